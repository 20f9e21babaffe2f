import { FakeHttpServer } from './fake-http-server';
import { FakeOAuthApp, FakeOAuthAuthority, FakeOAuthOptions } from './fake-oauth-authority';

/** What every provider fake is: an HTTP server and an OAuth authority, started and stopped together. */
export abstract class FakeProvider {
  readonly server: FakeHttpServer;
  readonly oauth: FakeOAuthAuthority;

  protected constructor(providerName: string, oauth: FakeOAuthOptions) {
    this.server = new FakeHttpServer(providerName);
    this.oauth = new FakeOAuthAuthority(oauth);
  }

  start(): Promise<string> {
    return this.server.start();
  }

  close(): Promise<void> {
    return this.server.close();
  }

  registerApp(app: FakeOAuthApp): FakeOAuthApp {
    return this.oauth.registerApp(app);
  }
}
