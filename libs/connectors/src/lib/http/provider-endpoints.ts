/**
 * A provider's hosts by role (`token`, `api`…). `PROVIDER_BASE_URL_<KEY>` replaces every host
 * with one base URL, so a single fake serves the whole provider; the paths stay as documented.
 */
export class ProviderEndpoints<Host extends string = string> {
  constructor(
    private readonly hosts: Readonly<Record<Host, string>>,
    private readonly override?: string,
  ) {}

  /** The absolute URL of `path` (which starts with `/`) on the given host. */
  url(host: Host, path: string): string {
    const base = (this.override ?? this.hosts[host]).replace(/\/+$/, '');
    return `${base}${path}`;
  }

  /** True when a base URL override is in force (a fake or a proxy). */
  get overridden(): boolean {
    return this.override !== undefined;
  }
}
