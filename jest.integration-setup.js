// Integration tests talk to a real broker and database; first connections and
// consumer-group joins take seconds, not milliseconds.
jest.setTimeout(120_000);
