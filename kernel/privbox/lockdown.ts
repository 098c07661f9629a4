/**
 * Frozen intrinsics for a realm that will run box code (issue 9 item 5; the idea of SES's
 * `lockdown()`): before any code of an SFI image runs, every intrinsic reachable from the realm's
 * global object — Object, Array, Function and the other constructors, their prototypes and
 * statics — is frozen and the global bindings made read-only, so box code cannot replace what
 * libc and the SFI runtime (tools/sfi/runtime.ts) call (`Number`, `Reflect.apply`, …).
 *
 * The "override mistake": on a frozen prototype, assigning an inherited property (err.name = …,
 * obj.toString = …) throws. As SES does, the few properties programs commonly override become
 * accessors whose setter defines the property on the instance instead.
 * https://github.com/endojs/endo/blob/master/packages/ses/src/enable-property-overrides.js
 *
 * `realm_lockdown` is self-contained: its source is evaluated inside the realm, so every function
 * it creates belongs to that realm.
 */
export function realm_lockdown(g: object): void {
  'use strict';
  const O = Object, freeze = O.freeze, own = Reflect.ownKeys, desc = O.getOwnPropertyDescriptor;
  const define = O.defineProperty, proto_of = O.getPrototypeOf;
  const OVERRIDABLE = new Set<PropertyKey>(['constructor', 'name', 'message', 'toString', 'valueOf', 'toJSON', 'toLocaleString']);
  const seen = new WeakSet<object>(), todo: object[] = [];
  const add = (v: unknown): void => {
    if ((typeof v === 'object' && v !== null) || typeof v === 'function') {
      if (!seen.has(v as object)) { seen.add(v as object); todo.push(v as object); }
    }
  };
  /** An inherited data property instances may still override: an accessor pair on the prototype. */
  const enable = (o: object, k: PropertyKey, value: unknown, enumerable: boolean | undefined): void => {
    const get = freeze(function () { return value; });
    const set = freeze(function (this: object, v: unknown) {
      if (this === o) throw new TypeError(`Cannot assign to read only property '${String(k)}' of a frozen intrinsic`);
      define(this, k, { value: v, writable: true, enumerable: true, configurable: true });
    });
    define(o, k, { get, set, enumerable, configurable: false });
  };
  // V8 reads Error.prepareStackTrace and Error.stackTraceLimit as data properties, and libc's
  // fdcap wrapper sets both to find its caller: they stay writable (box code may not name them,
  // kernel/privbox/sfi_policy.ts), everything else of Error is frozen.
  const E = (g as { Error: ErrorConstructor }).Error;
  define(E, 'prepareStackTrace', { value: undefined, writable: true, enumerable: false, configurable: false });
  define(E, 'stackTraceLimit', { value: E.stackTraceLimit, writable: true, enumerable: true, configurable: false });
  seen.add(g); // the global object stays extensible (libc adds console); its bindings become read-only
  for (const k of own(g)) {
    if (k === 'console') continue; // libc installs its own (frozen) console on fds 1 and 2
    const d = desc(g, k)!;
    // (the value given again: a vm context's global drops it from a partial descriptor)
    if ('value' in d) { define(g, k, { value: d.value, writable: false, configurable: false }); add(d.value); }
  }
  while (todo.length) {
    const o = todo.pop()!;
    add(proto_of(o));
    const is_proto = typeof o !== 'function' && O.hasOwn(o, 'constructor');
    for (const k of own(o)) {
      const d = desc(o, k)!;
      if (!('value' in d)) { add(d.get); add(d.set); continue; }
      add(d.value);
      if (is_proto && d.writable && d.configurable && OVERRIDABLE.has(k)) enable(o, k, d.value, d.enumerable);
    }
    if (o === E) {
      for (const k of own(o)) if (k !== 'prepareStackTrace' && k !== 'stackTraceLimit') define(o, k, { writable: false, configurable: false });
      O.preventExtensions(o);
    } else freeze(o);
  }
}

/** The source the loader evaluates in a realm: a function of that realm doing the above. */
export const REALM_LOCKDOWN_SRC = `(function () { const __name = (f) => f; return (${realm_lockdown.toString()}); })()`;
