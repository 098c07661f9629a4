/**
 * Module parameters (kernel/params.c): parse_args() over "name=value name2 name3=\"a b\"",
 * the param_set_* converters, and the modinfo `parm:` lines.
 */
import { EINVAL } from '../include/uapi/errno.ts';
import { KERN_ERR, KERN_WARNING } from '../printk.ts';
import type { KernelParam, Module } from './module.ts';

/** kstrtobool(): y/Y/1/on and n/N/0/off. */
function kstrtobool(s: string): boolean | null {
  const v = s.toLowerCase();
  if (v === 'y' || v === '1' || v === 'on') return true;
  if (v === 'n' || v === '0' || v === 'off') return false;
  return null;
}

/** kstrtol with base 0: decimal, 0x hex, 0 octal; null when malformed. */
function kstrtol(s: string): number | null {
  const m = /^([+-]?)(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)$/i.exec(s.trim());
  if (!m) return null;
  const body = m[2];
  const v = body.startsWith('0x') || body.startsWith('0X') ? parseInt(body.slice(2), 16)
    : body.length > 1 && body[0] === '0' ? parseInt(body.slice(1), 8) : parseInt(body, 10);
  return m[1] === '-' ? -v : v;
}

/** param_set_<type>(): stores the value, or returns -EINVAL. */
export function param_set(p: KernelParam, val: string | null): number {
  switch (p.type) {
    case 'bool': {
      const b = val === null ? true : kstrtobool(val);
      if (b === null) return -EINVAL;
      p.value = b;
      return 0;
    }
    case 'charp': p.value = val ?? ''; return 0;
    default: {
      const n = val === null ? null : kstrtol(val);
      if (n === null) return -EINVAL;
      if (p.type === 'int' && (n < -(2 ** 31) || n >= 2 ** 31)) return -EINVAL;
      if ((p.type === 'uint' || p.type === 'ulong') && n < 0) return -EINVAL;
      if (p.type === 'uint' && n >= 2 ** 32) return -EINVAL;
      p.value = n;
      return 0;
    }
  }
}

/** Splits the argument string (next_arg): whitespace-separated, double quotes group. */
export function split_args(args: string): [string, string | null][] {
  const out: [string, string | null][] = [];
  const re = /([^\s=]+)(?:=("([^"]*)"|\S*))?/g;
  for (let m = re.exec(args); m; m = re.exec(args)) {
    out.push([m[1].replace(/-/g, '_'), m[2] === undefined ? null : m[3] ?? m[2]]);
  }
  return out;
}

/** parse_args(): sets each named parameter; unknown names are ignored with a warning. */
export function parse_args(mod: Module, args: string): number {
  for (const [name, val] of split_args(args)) {
    const p = mod.params.find((q) => q.name === name);
    if (!p) { mod.kernel.printk(KERN_WARNING, `${mod.name}: unknown parameter '${name}' ignored`); continue; }
    const err = param_set(p, val);
    if (err) {
      mod.kernel.printk(KERN_ERR, `${mod.name}: '${val}' invalid for parameter '${name}'`);
      return err;
    }
  }
  return 0;
}

/** modinfo's `parm:` lines: "name:description (type)". */
export function param_lines(mod: Module): string[] {
  return mod.params.map((p) => `${p.name}:${p.desc} (${p.type})`);
}
