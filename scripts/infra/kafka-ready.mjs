#!/usr/bin/env node
// Waits until a Kafka broker answers a real metadata request (admin.describeCluster).
// Usage: node scripts/infra/kafka-ready.mjs [--timeout <seconds>] [--pid <broker pid>] [--quiet]
//   env KAFKA_BROKERS (default 127.0.0.1:9092)
// Exit 0 when ready; 1 on timeout; 2 when the watched broker process (--pid) has died.
import { readFileSync } from "node:fs";
import kafkajs from "kafkajs";

const { Kafka, logLevel } = kafkajs;

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const timeoutMs = Number(opt("--timeout", "90")) * 1000;
const pid = Number(opt("--pid", "0"));
const quiet = args.includes("--quiet");
const brokers = (process.env.KAFKA_BROKERS || "127.0.0.1:9092")
  .split(",")
  .map((b) => b.trim())
  .filter(Boolean);

// Alive = exists and is not a zombie (a dead child not yet reaped still answers kill(pid, 0)).
const alive = (p) => {
  try {
    const stat = readFileSync(`/proc/${p}/stat`, "utf8");
    return !/^[ZX]$/.test(
      stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3),
    );
  } catch {
    try {
      process.kill(p, 0);
      return true;
    } catch (err) {
      return err.code === "EPERM";
    }
  }
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// One client, no kafkajs-level retries: we own the retry loop so the deadline is exact.
const kafka = new Kafka({
  clientId: "infra-ready-check",
  brokers,
  logLevel: logLevel.NOTHING,
  connectionTimeout: 2000,
  requestTimeout: 5000,
  retry: { retries: 0 },
});

const deadline = Date.now() + timeoutMs;
let lastError = "no attempt made";
for (;;) {
  if (pid && !alive(pid)) {
    console.error(
      `[infra] kafka: broker process ${pid} exited while waiting for it`,
    );
    process.exit(2);
  }
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.disconnect();
    if (
      cluster.brokers.length > 0 &&
      cluster.controller !== null &&
      cluster.controller !== undefined
    ) {
      if (!quiet) {
        console.log(
          `[infra] kafka: ready on ${brokers.join(",")} (cluster ${cluster.clusterId})`,
        );
      }
      process.exit(0);
    }
    lastError = "metadata response without brokers/controller";
  } catch (err) {
    lastError = err && err.message ? err.message : String(err);
    await admin.disconnect().catch(() => undefined);
  }
  if (Date.now() >= deadline) break;
  await sleep(500);
}
console.error(
  `[infra] kafka: no metadata answer from ${brokers.join(",")} within ${timeoutMs / 1000}s (last error: ${lastError})`,
);
process.exit(1);
