import { readNotifierSettings } from './notifier-settings';

describe('readNotifierSettings', () => {
  it('defaults to the Open Connectors schedule (5 retries, 2^(3x) s), 10 s timeout, private networks refused', () => {
    const { settings, problems } = readNotifierSettings({});
    expect(problems).toEqual([]);
    expect(settings.retryDelaysMs).toEqual([8_000, 64_000, 512_000, 4_096_000, 32_768_000]);
    expect(settings).toMatchObject({ consumerGroup: 'notifier', callbackTimeoutMs: 10_000, allowPrivateNetworks: false, retryJitter: 0.2 });
  });

  it('takes a scaled-down schedule in decimal seconds, "none", and the private-network switch', () => {
    expect(readNotifierSettings({ NOTIFIER_RETRY_SCHEDULE_SECONDS: '0.2, 0.5' }).settings.retryDelaysMs).toEqual([200, 500]);
    expect(readNotifierSettings({ NOTIFIER_RETRY_SCHEDULE_SECONDS: 'none' }).settings.retryDelaysMs).toEqual([]);
    expect(readNotifierSettings({ CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true' }).settings.allowPrivateNetworks).toBe(true);
  });

  it('names each bad variable, never its value', () => {
    const { problems } = readNotifierSettings({
      NOTIFIER_RETRY_SCHEDULE_SECONDS: '8,soon',
      NOTIFIER_RETRY_JITTER: '3',
      NOTIFIER_CALLBACK_TIMEOUT_MS: '5',
      NOTIFIER_MAX_CONCURRENCY: 'many',
      NOTIFIER_MAX_CONCURRENCY_PER_HOST: '0',
      NOTIFIER_CONSUMER_GROUP: 'bad group',
      CALLBACK_ALLOW_PRIVATE_NETWORKS: 'yes-please',
    });
    expect(problems).toHaveLength(7);
    expect(problems.join('\n')).not.toMatch(/soon|many|bad group|yes-please/);
  });
});
