/**
 * Subsystem state hung on a Kernel, Task or Module under a typed key. gVisor's Kernel holds such
 * state as fields; privos keeps each subsystem's types inside the subsystem, so the owner holds a
 * map whose keys are these objects: a key is its own identity (no two subsystems can collide on
 * a name) and carries its value's type (no caller casts), and it knows how to make the first value.
 */
export class StateKey<O, T> {
  constructor(readonly name: string, readonly init: (owner: O) => T) {}
}

/** An object that can carry subsystem state (Kernel, Task, Module). */
export interface StateOwner { readonly ext: Map<object, unknown> }

/** The owner's value for key, made by key.init the first time it is asked for. */
export function state_of<O extends StateOwner, T>(owner: O, key: StateKey<O, T>): T {
  let v = owner.ext.get(key) as T | undefined;
  if (v === undefined) { v = key.init(owner); owner.ext.set(key, v); }
  return v;
}

/** The owner's value for key if it has one (never creates it). */
export function state_peek<O extends StateOwner, T>(owner: O, key: StateKey<O, T>): T | undefined {
  return owner.ext.get(key) as T | undefined;
}

/** Sets (or, with undefined, drops) the owner's value for key. */
export function state_set<O extends StateOwner, T>(owner: O, key: StateKey<O, T>, v: T | undefined): void {
  if (v === undefined) owner.ext.delete(key); else owner.ext.set(key, v);
}
