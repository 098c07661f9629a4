// A host program for the library test: one line on each of fd 1 and fd 2, then exit 3 —
// or, given "null", a store through a NULL pointer (SIGSEGV, as in C).
export default async function main(libc, argv) {
  await libc.write(1, `to stdout: ${argv.slice(1).join(' ')}\n`);
  await libc.write(2, 'to stderr\n');
  if (argv[1] === 'null') libc.poke_u32(0, 1);
  return 3;
}
