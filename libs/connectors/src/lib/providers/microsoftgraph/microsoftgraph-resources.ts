/**
 * Reading Graph resource paths (`me/mailFolders('Inbox')/messages`, `Users/{id}/Messages/{id}`):
 * which kind of object they name, and how long a subscription on them may live.
 */

/** One path segment: `Messages('AAMk…')` is `{ name: 'Messages', key: 'AAMk…' }`. */
export interface ResourceSegment {
  readonly name: string;
  readonly key?: string;
}

/** Graph paths are short; anything longer is not a resource and is not parsed further. */
const MAX_RESOURCE_LENGTH = 4096;
const MAX_SEGMENTS = 64;

export function resourceSegments(resource: string): ResourceSegment[] {
  const path = resource.slice(0, MAX_RESOURCE_LENGTH).split('?')[0] ?? '';
  return path
    .split('/')
    .filter((part) => part !== '')
    .slice(0, MAX_SEGMENTS)
    .map((part) => {
      const keyed = /^([^(]+)\((.*)\)$/.exec(part);
      if (!keyed) return { name: part };
      return { name: keyed[1] ?? part, key: (keyed[2] ?? '').replace(/^'(.*)'$/, '$1') };
    });
}

/**
 * Maximum subscription lifetimes in minutes, per the Graph lifetime table (include file dated
 * 2024-11-07): checked most specific first, as `me/todo/lists/{id}/tasks` also names `lists`
 * and `chats/{id}/messages` also names `messages`. Rich (resource-data) subscriptions, which
 * get less, are not created by this connector.
 */
const LIFETIME_RULES: readonly { readonly minutes: number; readonly matches: (names: readonly string[]) => boolean }[] = [
  { minutes: 60, matches: (names) => hasAny(names, 'presence', 'presences') },
  {
    minutes: 360,
    matches: (names) =>
      hasAny(names, 'schedule', 'shifts', 'openshifts', 'openshiftchangerequests', 'swapshiftschangerequests', 'offershiftrequests', 'timeoffrequests', 'timesoff', 'timecards'),
  },
  {
    minutes: 4230,
    matches: (names) =>
      hasAny(names, 'callrecords', 'printers', 'taskdefinitions', 'todo') || (names[0] === 'groups' && hasAny(names, 'conversations', 'threads')),
  },
  {
    minutes: 4320,
    matches: (names) =>
      hasAny(names, 'chats', 'channels', 'teams', 'onlinemeetings', 'transcripts', 'recordings', 'getallmessages', 'getallchannels', 'getallmembers'),
  },
  { minutes: 43200, matches: (names) => (names[0] === 'security' && hasAny(names, 'alerts', 'alerts_v2')) || hasAny(names, 'approvals') },
  { minutes: 42300, matches: (names) => hasAny(names, 'drive', 'drives', 'root', 'lists') },
  {
    minutes: 10080,
    matches: (names) => hasAny(names, 'messages', 'events', 'contacts', 'mailfolders', 'calendar', 'calendars', 'contactfolders'),
  },
  { minutes: 41760, matches: (names) => hasAny(names, 'users', 'groups', 'directoryobjects', 'devices', 'serviceprincipals', 'applications') },
];

/** Graph's fallback for resources not in its table; also the old Outlook maximum. */
export const DEFAULT_LIFETIME_MINUTES = 4230;

export function maxSubscriptionLifetimeMinutes(resource: string): number {
  const names = resourceSegments(resource).map((segment) => segment.name.toLowerCase());
  return LIFETIME_RULES.find((rule) => rule.matches(names))?.minutes ?? DEFAULT_LIFETIME_MINUTES;
}

/** Collection segments the connector recognises; ids between them are anything else. */
const COLLECTIONS = new Set([
  'messages', 'events', 'contacts', 'users', 'groups', 'driveitems', 'root', 'items', 'lists', 'chats',
  'channels', 'teams', 'tasks', 'alerts', 'alerts_v2', 'presences', 'calendars', 'mailfolders', 'contactfolders',
  'members', 'conversations', 'threads', 'posts', 'callrecords', 'onlinemeetings', 'printers', 'drives', 'sites',
  'devices', 'applications', 'serviceprincipals', 'directoryobjects', 'todotasks', 'chatmessages', 'listitems',
]);

/** Lower-cased names that read better in their Graph spelling. */
const CANONICAL_NAMES: ReadonlyMap<string, string> = new Map(
  [
    'driveItems', 'listItems', 'chatMessages', 'todoTasks', 'callRecords', 'onlineMeetings', 'mailFolders',
    'contactFolders', 'servicePrincipals', 'directoryObjects', 'conversationMembers',
  ].map((name) => [name.toLowerCase(), name]),
);

const OBJECT_TYPE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/** What one notification is about, read from its `resource` and `resourceData`. */
export interface NotifiedObject {
  readonly objectType?: string;
  readonly objectId?: string;
}

/**
 * `Users/{id}/Messages/{id}` → messages; `me/events/{id}` → events; `drives/{id}/root` →
 * driveItems; `chats/{id}/messages/{id}` → chatMessages. The type falls back to `@odata.type`
 * (`#Microsoft.Graph.Message` → messages); the id is `resourceData.id`, else the resource's
 * last key or segment.
 */
export function notifiedObject(resource: string | undefined, odataType: string | undefined, dataId: string | undefined): NotifiedObject {
  const segments = resource === undefined ? [] : resourceSegments(resource);
  const names = segments.map((segment) => segment.name.toLowerCase());
  let at = -1;
  for (let i = names.length - 1; i >= 0 && at === -1; i--) if (COLLECTIONS.has(names[i] ?? '')) at = i;
  // An unknown collection still sits right before the id at the end of the path.
  if (at === -1 && segments.length >= 2 && segments.at(-1)?.key === undefined) at = segments.length - 2;
  if (at === -1 && segments.at(-1)?.key !== undefined) at = segments.length - 1;
  const fromResource = at === -1 ? undefined : objectTypeOf(names[at] ?? '', names.slice(0, at));
  return {
    objectType: fromResource ?? objectTypeOfOdata(odataType),
    objectId: dataId ?? lastId(segments, at),
  };
}

function objectTypeOf(collection: string, parents: readonly string[]): string | undefined {
  let name = collection;
  if (name === 'root') name = 'driveitems';
  else if (name === 'items') name = parents.includes('lists') ? 'listitems' : 'driveitems';
  else if (name === 'messages' && hasAny(parents, 'chats', 'channels', 'teams')) name = 'chatmessages';
  else if (name === 'tasks' && parents.includes('todo')) name = 'todotasks';
  if (!OBJECT_TYPE_PATTERN.test(name)) return undefined;
  return CANONICAL_NAMES.get(name) ?? name;
}

/** `#Microsoft.Graph.chatMessage` → chatMessages. */
function objectTypeOfOdata(odataType: string | undefined): string | undefined {
  const name = odataType?.slice(0, 200).split('.').pop()?.replace(/^#/, '').toLowerCase();
  if (!name) return undefined;
  return objectTypeOf(name.endsWith('s') ? name : `${name}s`, []);
}

/**
 * The key of the last segment, or the segment after the collection; nothing when the path ends
 * at a collection. A drive root (`drives/{id}/root`, `me/drive/root`) is itself the changed
 * object: OneDrive notifications name only the drive, and the changes come from its delta.
 */
function lastId(segments: readonly ResourceSegment[], at: number): string | undefined {
  const last = segments.at(-1);
  if (!last) return undefined;
  if (last.key !== undefined) return last.key === '' ? undefined : last.key;
  if (segments.length - 1 > at) return last.name;
  if (last.name.toLowerCase() !== 'root') return undefined;
  const previous = segments.at(-2);
  if (previous?.key && previous.name.toLowerCase() === 'drives') return previous.key;
  if (previous && segments.at(-3)?.name.toLowerCase() === 'drives') return previous.name;
  return 'root';
}

function hasAny(names: readonly string[], ...wanted: string[]): boolean {
  return wanted.some((name) => names.includes(name));
}
