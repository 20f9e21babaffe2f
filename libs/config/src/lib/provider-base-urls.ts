import { PROVIDER_BASE_URL_PREFIX } from './known-variables';

const ELEMENT_KEY_PATTERN = /^[A-Z0-9]+$/;

/** Collects `PROVIDER_BASE_URL_<ELEMENTKEY>` overrides; returns problems for bad ones. */
export function readProviderBaseUrls(env: NodeJS.ProcessEnv): {
  urls: Record<string, string>;
  problems: string[];
} {
  const urls: Record<string, string> = {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(PROVIDER_BASE_URL_PREFIX) || value === undefined) continue;
    const key = name.slice(PROVIDER_BASE_URL_PREFIX.length);
    if (!ELEMENT_KEY_PATTERN.test(key)) {
      problems.push(`${name}: the element key must be upper-case letters and digits`);
      continue;
    }
    if (!isHttpUrl(value)) {
      problems.push(`${name} must be an http(s) URL, got "${value}"`);
      continue;
    }
    urls[key.toLowerCase()] = value.replace(/\/+$/, '');
  }
  return { urls, problems };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
