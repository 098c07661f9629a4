/** Inline test programs: registers a function as a host module URL the loader can import. */
import type { Libc } from '../../../libc/index.ts';

export type Body = (libc: Libc, argv: string[]) => Promise<number>;
const bodies = new Map<number, Body>();
let next = 0;
(globalThis as { __privos_net_prog?: Map<number, Body> }).__privos_net_prog = bodies;

/** A data: URL module whose main calls the registered body. */
export function register_program(body: Body): string {
  const id = next++;
  bodies.set(id, body);
  const src = `export default (libc, argv) => globalThis.__privos_net_prog.get(${id})(libc, argv);`;
  return 'data:text/javascript,' + encodeURIComponent(src);
}
