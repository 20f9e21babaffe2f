/**
 * Keeps docker/ (Dockerfile, docker-compose.yml, k8s/) consistent with the code: every
 * deployable app is built and deployed, on its default port, with working probes, and only
 * with environment variables the services actually read.
 */
import { DEFAULT_PORTS, SERVICE_NAMES, isKnownEnvironmentVariable } from '@connector-events/config';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

const ROOT = path.resolve(__dirname, '../..');
const DOCKER_DIR = path.join(ROOT, 'docker');
const DOCKERFILE = path.join(DOCKER_DIR, 'Dockerfile');
const COMPOSE_FILE = path.join(DOCKER_DIR, 'docker-compose.yml');
const K8S_DIR = path.join(DOCKER_DIR, 'k8s');

const LIVE_PATH = '/health/live';
const READY_PATH = '/health/ready';

type Obj = Record<string, unknown>;

const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
const obj = (value: unknown): Obj => (isObj(value) ? value : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const rel = (file: string): string => path.relative(ROOT, file);

/** NODE_ENV is set by the image and read by libraries, not by our config. */
const isAllowedVariable = (name: string): boolean => isKnownEnvironmentVariable(name) || name === 'NODE_ENV';

/** Compose accepts `environment` and `build.args` as a map or as a list of `NAME=value`. */
function keyValues(value: unknown): Map<string, string | undefined> {
  const entries = new Map<string, string | undefined>();
  if (Array.isArray(value)) {
    for (const item of value) {
      const [name, ...rest] = String(item).split('=');
      entries.set(name, rest.length > 0 ? rest.join('=') : undefined);
    }
  } else if (isObj(value)) {
    for (const [name, v] of Object.entries(value)) {
      entries.set(name, v === null || v === undefined ? undefined : String(v));
    }
  }
  return entries;
}

/** Compose port entry (short "[ip:]published:target[/proto]" or long syntax) → host/container ports. */
function portMapping(entry: unknown): { published?: number; target?: number } {
  if (isObj(entry)) {
    const published = entry['published'];
    return { published: published === undefined ? undefined : Number(published), target: Number(entry['target']) };
  }
  const text = String(entry).replace(/\/\w+$/, '');
  const pair = /(?:^|:)(\d+):(\d+)$/.exec(text);
  if (pair) return { published: Number(pair[1]), target: Number(pair[2]) };
  return /^\d+$/.test(text) ? { target: Number(text) } : {};
}

function parseYamlFile(file: string): unknown {
  try {
    // Compose files use `<<:` merge keys, which YAML 1.2 only honours when asked to.
    return parse(fs.readFileSync(file, 'utf8'), { merge: true });
  } catch (error) {
    throw new Error(`${rel(file)} is not valid YAML: ${(error as Error).message}`);
  }
}

describe('docker/Dockerfile', () => {
  const text = fs.readFileSync(DOCKERFILE, 'utf8');
  const stages = text.split(/^FROM\s/im).slice(1);

  it('selects the app with ARG APP', () => {
    if (!/^ARG\s+APP\b/m.test(text)) throw new Error('docker/Dockerfile must declare ARG APP');
  });

  it('is multi-stage', () => {
    if (stages.length < 2) {
      throw new Error(`docker/Dockerfile has ${stages.length} FROM stage(s); expected a builder and a runtime stage`);
    }
  });

  it('carries APP into the runtime stage as ENV and runs as a non-root USER', () => {
    const runtime = stages[stages.length - 1] ?? '';
    if (!/^ENV\s+(?:.*\s)?APP=/m.test(runtime)) {
      throw new Error('the last stage of docker/Dockerfile must set ENV APP=... so CMD can find the app at run time');
    }
    const user = /^USER\s+(\S+)/m.exec(runtime)?.[1];
    if (user === undefined) throw new Error('the last stage of docker/Dockerfile has no USER line, so it runs as root');
    if (/^(root|0)(:|$)/.test(user))
      throw new Error(`docker/Dockerfile runs as USER ${user}; use the non-root node user`);
  });

  it('has a HEALTHCHECK on the liveness endpoint', () => {
    if (!/^HEALTHCHECK[\s\S]*?\/health\/live/m.test(text)) {
      throw new Error(`docker/Dockerfile needs a HEALTHCHECK against ${LIVE_PATH}`);
    }
  });
});

describe('docker/docker-compose.yml', () => {
  const compose = obj(parseYamlFile(COMPOSE_FILE));
  const services = obj(compose['services']);

  /** Services built from docker/Dockerfile, with the APP build argument they pass. */
  const appServices = Object.entries(services).flatMap(([name, raw]) => {
    const service = obj(raw);
    const build = service['build'];
    if (build === undefined) return [];
    const context = typeof build === 'string' ? build : String(obj(build)['context'] ?? '.');
    const dockerfile = isObj(build) ? String(build['dockerfile'] ?? 'Dockerfile') : 'Dockerfile';
    if (path.resolve(DOCKER_DIR, context, dockerfile) !== DOCKERFILE) return [];
    return [{ name, service, app: keyValues(obj(build)['args']).get('APP') }];
  });

  it('builds only apps that exist', () => {
    const problems = appServices.flatMap(({ name, app }) => {
      if (app === undefined || app === '') return [`service "${name}" builds docker/Dockerfile without build.args.APP`];
      const main = path.join(ROOT, 'apps', app, 'src', 'main.ts');
      return fs.existsSync(main) ? [] : [`service "${name}" builds APP=${app} but ${rel(main)} does not exist`];
    });
    expect(problems).toEqual([]);
  });

  it.each(SERVICE_NAMES.map((app) => [app]))('runs %s on its default port with the readiness healthcheck', (app) => {
    const port = DEFAULT_PORTS[app];
    const entry = appServices.find((s) => s.app === app);
    if (!entry) throw new Error(`no compose service builds docker/Dockerfile with APP=${app}`);
    const { name, service } = entry;
    const problems: string[] = [];

    if (name !== app) problems.push(`the service building APP=${app} is called "${name}"; name it "${app}"`);

    const env = keyValues(service['environment']);
    if (env.get('PORT') !== String(port)) {
      problems.push(`service "${name}" sets PORT=${env.get('PORT')}; expected ${port}`);
    }
    const ports = list(service['ports']).map(portMapping);
    if (!ports.some((p) => p.published === port && p.target === port)) {
      problems.push(`service "${name}" must publish ${port}:${port}; has ${JSON.stringify(service['ports'])}`);
    }

    const test = obj(service['healthcheck'])['test'];
    const testText = Array.isArray(test) ? test.join(' ') : String(test ?? '');
    if (!testText.includes(READY_PATH)) {
      problems.push(`service "${name}" healthcheck must call ${READY_PATH}; has ${JSON.stringify(test)}`);
    }

    const dependsOn = obj(service['depends_on']);
    for (const infra of ['kafka', 'postgres']) {
      if (obj(dependsOn[infra])['condition'] !== 'service_healthy') {
        problems.push(`service "${name}" must depend on ${infra} with condition: service_healthy`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('sets only known environment variables on the app services', () => {
    const unknown = appServices.flatMap(({ name, service }) =>
      [...keyValues(service['environment']).keys()]
        .filter((variable) => !isAllowedVariable(variable))
        .map((variable) => `service "${name}" sets ${variable}, which is not in KNOWN_ENVIRONMENT_VARIABLES`),
    );
    expect(unknown).toEqual([]);
  });

  it('publishes Kafka and PostgreSQL on the same host ports as the local infra', () => {
    const problems: string[] = [];
    for (const [name, port] of [
      ['kafka', 9092],
      ['postgres', 5432],
    ] as const) {
      const ports = list(obj(services[name])['ports']).map(portMapping);
      if (!ports.some((p) => p.published === port)) problems.push(`service "${name}" must publish host port ${port}`);
    }
    expect(problems).toEqual([]);
  });
});

describe('docker/k8s', () => {
  const files = fs
    .readdirSync(K8S_DIR)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort();

  /** Every document of every manifest, parsed; a YAML error fails here with the file named. */
  const manifests = files.flatMap((file) => {
    const docs = parseAllDocuments(fs.readFileSync(path.join(K8S_DIR, file), 'utf8'));
    return Array.from(docs).flatMap((doc, index) => {
      if (doc.errors.length > 0) {
        throw new Error(`docker/k8s/${file} (document ${index + 1}) is not valid YAML: ${doc.errors[0]?.message}`);
      }
      const value: unknown = doc.toJS();
      return value === null || value === undefined ? [] : [{ file, index, value: obj(value) }];
    });
  });
  const ofKind = (kind: string): Obj[] => manifests.filter((m) => m.value['kind'] === kind).map((m) => m.value);
  const named = (kind: string, name: string): Obj | undefined =>
    ofKind(kind).find((o) => obj(o['metadata'])['name'] === name);

  it('gives every manifest an apiVersion and kind', () => {
    const problems = manifests
      .filter((m) => typeof m.value['apiVersion'] !== 'string' || typeof m.value['kind'] !== 'string')
      .map((m) => `docker/k8s/${m.file} document ${m.index + 1} lacks apiVersion or kind`);
    expect(problems).toEqual([]);
  });

  it('lists every manifest in kustomization.yaml', () => {
    const kustomization = ofKind('Kustomization')[0];
    if (!kustomization) return;
    const resources = list(kustomization['resources']).map(String);
    const missing = files
      .filter((file) => !/^kustomization\.ya?ml$/.test(file) && !resources.includes(file))
      .map((file) => `docker/k8s/${file} is not in kustomization.yaml resources, so kubectl apply -k skips it`);
    expect(missing).toEqual([]);
  });

  it('puts only known environment variables in ConfigMaps, Secrets and Deployments', () => {
    const names: { where: string; name: string }[] = [];
    for (const cm of ofKind('ConfigMap')) {
      for (const name of Object.keys(obj(cm['data'])))
        names.push({ where: `ConfigMap ${String(obj(cm['metadata'])['name'])}`, name });
    }
    for (const secret of ofKind('Secret')) {
      for (const name of [...Object.keys(obj(secret['data'])), ...Object.keys(obj(secret['stringData']))]) {
        names.push({ where: `Secret ${String(obj(secret['metadata'])['name'])}`, name });
      }
    }
    for (const deployment of ofKind('Deployment')) {
      for (const container of list(obj(obj(obj(deployment['spec'])['template'])['spec'])['containers'])) {
        for (const env of list(obj(container)['env'])) {
          names.push({
            where: `Deployment ${String(obj(deployment['metadata'])['name'])}`,
            name: String(obj(env)['name']),
          });
        }
      }
    }
    const unknown = names
      .filter(({ name }) => !isAllowedVariable(name))
      .map(({ where, name }) => `${where} sets ${name}, which is not in KNOWN_ENVIRONMENT_VARIABLES`);
    expect(unknown).toEqual([]);
  });

  it.each(SERVICE_NAMES.map((app) => [app]))('deploys %s with probes on its default port', (app) => {
    const port = DEFAULT_PORTS[app];
    const deployment = named('Deployment', app);
    const service = named('Service', app);
    if (!deployment) throw new Error(`docker/k8s has no Deployment named ${app}`);
    if (!service) throw new Error(`docker/k8s has no Service named ${app}`);
    const problems: string[] = [];

    const template = obj(obj(deployment['spec'])['template']);
    const podSpec = obj(template['spec']);
    const containers = list(podSpec['containers']).map(obj);
    const container = containers.find((c) => c['name'] === app) ?? containers[0];
    if (!container) throw new Error(`Deployment ${app} has no containers`);

    const image = String(container['image']);
    if (!image.startsWith(`connector-events/${app}:`)) {
      problems.push(`Deployment ${app} runs image ${image}; expected connector-events/${app}:<tag>`);
    }

    const portEnv = list(container['env'])
      .map(obj)
      .find((e) => e['name'] === 'PORT');
    if (String(portEnv?.['value']) !== String(port)) {
      problems.push(`Deployment ${app} sets PORT=${portEnv?.['value']}; expected ${port}`);
    }
    const containerPorts = list(container['ports']).map(obj);
    const httpPort = containerPorts.find((p) => p['containerPort'] === port);
    if (!httpPort) problems.push(`Deployment ${app} must declare containerPort ${port}`);
    /** A probe or Service port may name the container port or give its number. */
    const isHttpPort = (ref: unknown): boolean =>
      httpPort !== undefined && (ref === port || (typeof ref === 'string' && ref === httpPort['name']));

    for (const [probe, expected] of [
      ['livenessProbe', LIVE_PATH],
      ['readinessProbe', READY_PATH],
    ] as const) {
      const httpGet = obj(obj(container[probe])['httpGet']);
      if (httpGet['path'] !== expected) {
        problems.push(`Deployment ${app} ${probe} must GET ${expected}; has ${JSON.stringify(httpGet['path'])}`);
      }
      if (!isHttpPort(httpGet['port'])) {
        problems.push(
          `Deployment ${app} ${probe} port ${JSON.stringify(httpGet['port'])} is not container port ${port}`,
        );
      }
    }

    for (const source of list(container['envFrom']).map(obj)) {
      const ref = obj(source['configMapRef'] ?? source['secretRef']);
      const kind = source['configMapRef'] ? 'ConfigMap' : 'Secret';
      if (!named(kind, String(ref['name']))) {
        problems.push(
          `Deployment ${app} envFrom names ${kind} ${String(ref['name'])}, which docker/k8s does not define`,
        );
      }
    }

    const runAsNonRoot =
      obj(podSpec['securityContext'])['runAsNonRoot'] ?? obj(container['securityContext'])['runAsNonRoot'];
    if (runAsNonRoot !== true) problems.push(`Deployment ${app} must set securityContext.runAsNonRoot: true`);

    const serviceSpec = obj(service['spec']);
    const podLabels = obj(obj(template['metadata'])['labels']);
    const selector = obj(serviceSpec['selector']);
    if (
      Object.keys(selector).length === 0 ||
      !Object.entries(selector).every(([key, value]) => podLabels[key] === value)
    ) {
      problems.push(`Service ${app} selector ${JSON.stringify(selector)} does not match the pods of Deployment ${app}`);
    }
    const servicePorts = list(serviceSpec['ports']).map(obj);
    if (!servicePorts.some((p) => p['port'] === port && isHttpPort(p['targetPort'] ?? p['port']))) {
      problems.push(
        `Service ${app} must expose port ${port} targeting container port ${port}; has ${JSON.stringify(servicePorts)}`,
      );
    }
    expect(problems).toEqual([]);
  });
});
