// `npm run start:service -- <app>`: runs one built service in the foreground (distributed mode).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const apps = ['instance-service', 'webhook-ingest', 'poller', 'normalizer', 'notifier'];
const app = process.argv[2];
if (!apps.includes(app)) {
  console.error(`usage: npm run start:service -- <${apps.join('|')}>`);
  process.exit(2);
}
const entry = `dist/apps/${app}/src/main.js`;
if (!existsSync(entry)) {
  console.error(`${entry} is missing: run npm run build`);
  process.exit(1);
}
const child = spawn(process.execPath, [entry], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
