/**
 * ACL LIST / GETUSER descriptions (acl.c ACLDescribeUser, ACLDescribeSelector and
 * ACLDescribeSelectorCommandRules): the command rules are rebuilt from the bitmap — ±@all,
 * then the categories that best fit what is left, then single commands — so equivalent rule
 * sequences describe the same.
 */
import { ACL_ALL, ACL_CATEGORIES, ACL_READ, type KeyPattern, Selector, set_selector, type User } from './acl.ts';
import { category_bit } from './acl_cat.ts';
import { type Cmd, table } from './commands.ts';

function count_category(s: Selector, bit: number): [on: number, off: number] {
  let on = 0, off = 0;
  const visit = (c: Cmd): void => { if (c.acl_categories & bit) { if (s.allowed.has(c)) on++; else off++; } };
  for (const c of table.values()) { visit(c); if (c.subs) for (const sub of c.subs.values()) visit(sub); }
  return [on, off];
}

/** The categories that fit the bitmap best, greedily, as Redis picks them. */
function best_categories(s: Selector, additive: boolean, fake: Selector, rules: string[]): void {
  const temp = s.copy(), applied = new Set<number>();
  for (;;) {
    let best = -1, mindiff = Infinity, maxsame = 0;
    for (let j = 0; j < ACL_CATEGORIES.length; j++) {
      if (applied.has(j)) continue;
      const [on, off] = count_category(temp, category_bit(ACL_CATEGORIES[j]));
      const diff = additive ? off : on, same = additive ? on : off;
      if (same > diff && (diff < mindiff || (diff === mindiff && same > maxsame))) { best = j; mindiff = diff; maxsame = same; }
    }
    if (best < 0) return;
    const name = ACL_CATEGORIES[best];
    set_selector(fake, `${additive ? '+' : '-'}@${name}`);
    set_selector(temp, `${additive ? '-' : '+'}@${name}`);
    rules.push(`${additive ? '+' : '-'}@${name}`);
    applied.add(best);
  }
}

function single_commands(s: Selector, fake: Selector, rules: string[], cmds: Iterable<Cmd>): void {
  for (const cmd of cmds) {
    const userbit = s.allowed.has(cmd);
    if (userbit !== fake.allowed.has(cmd)) {
      rules.push(`${userbit ? '+' : '-'}${cmd.fullname}`);
      set_selector(fake, `${userbit ? '+' : '-'}${cmd.fullname}`);
    }
    if (cmd.subs) single_commands(s, fake, rules, cmd.subs.values());
    const first = s.firstargs.get(cmd);
    if (!userbit && first) for (const a of first) rules.push(`+${cmd.fullname}|${a}`);
  }
}

export function describe_commands(s: Selector): string {
  const fake = new Selector(), additive = !s.future;
  const rules = [additive ? '-@all' : '+@all'];
  set_selector(fake, rules[0]);
  best_categories(s, additive, fake, rules);
  single_commands(s, fake, rules, table.values());
  return rules.join(' ');
}

function pattern_string(p: KeyPattern): string {
  if (p.flags === ACL_ALL) return `~${p.pattern}`;
  return `%${p.flags & ACL_READ ? 'R' : 'W'}~${p.pattern}`;
}

export function describe_keys(s: Selector): string {
  return s.allkeys ? '~*' : s.patterns.map(pattern_string).join(' ');
}

export function describe_channels(s: Selector): string {
  return s.allchannels ? '&*' : s.channels.map((c) => `&${c}`).join(' ');
}

function describe_selector(s: Selector): string {
  const parts: string[] = [];
  if (s.allkeys) parts.push('~*'); else for (const p of s.patterns) parts.push(pattern_string(p));
  if (s.allchannels) parts.push('&*'); else { parts.push('resetchannels'); for (const c of s.channels) parts.push(`&${c}`); }
  parts.push(describe_commands(s));
  return parts.join(' ');
}

/** ACLDescribeUser: flags, password hashes, the root selector, then "(…)" for the others. */
export function describe_user(u: User): string {
  const parts = [...u.flag_names(), ...u.passwords.map((p) => `#${p}`), describe_selector(u.root)];
  for (const s of u.selectors.slice(1)) parts.push(`(${describe_selector(s)})`);
  return parts.join(' ');
}
