/**
 * The coreutils against GNU coreutils on the host: the same commands (through dash on the host,
 * privos's sh in privos) must print the same output and error messages and exit alike.
 */
import test from 'ava';
import { agrees_with_dash } from './dash_compare.ts';

const CASES: [string, string][] = [
  ['mkdir -p, rmdir, and their errors', 'mkdir d; mkdir d; echo $?; mkdir -p d/e/f; echo $?; rmdir d; echo $?; rmdir nope; echo $?; rmdir d/e/f d/e d; ls'],
  ['rm and its errors', 'touch a; mkdir d; rm nope; echo $?; rm -f nope; echo $?; rm d; echo $?; rm -r d a; echo $?; ls; rm; echo $?'],
  ['cp and mv', 'echo data > a; cp a b; cat b; mkdir d; cp a b d; ls d; mv b c; ls; mv nope x; echo $?; cp d e; echo $?; cp -r d e; ls e'],
  ['ln and readlink via ls -l', 'echo t > target; ln -s target sym; ln target hard; cat sym hard; ln target hard; echo $?'],
  ['chmod', 'touch f; chmod 640 f; ls -l f | cut -c1-10 2>/dev/null || ls -l f | { read m rest; echo $m; }; chmod u+x,g-r,o=r f; ls -l f | { read m rest; echo $m; }; chmod 9 f; echo $?; chmod 644 nope; echo $?'],
  ['head and tail', 'printf "1\\n2\\n3\\n4\\n5\\n" > n; head -n 2 n; head -2 n; tail -n 2 n; tail -n +4 n; head -c 3 n; echo; tail -c 4 n; head -n x n; echo $?; head nope; echo $?'],
  ['wc', 'printf "a b\\nc\\n" > f; wc f; wc -l f; wc -w < f; wc -c f f; wc nope; echo $?'],
  ['grep', 'printf "apple\\nBanana\\ncherry\\n" > f; grep an f; grep -i an f; grep -v an f; grep -c a f; grep -n err f; grep -q zzz f; echo $?; grep x nope; echo $?; grep -E "^(a|c)" f; grep "a\\{2\\}" f; echo $?'],
  ['sort', 'printf "b\\n10\\na\\n9\\nb\\n" > f; sort f; sort -r f; sort -n f; sort -u f'],
  ['printf', 'printf "%s|%5s|%-5s|%05d|%x|%o|%e\\n" a b c 42 255 8 1234.5; printf "%d%%\\n" 50; printf "no newline"; echo'],
  ['env, id and pwd', 'env -i A=1 B=2 env; id -u; id -g; pwd; cd /; pwd'],
  ['kill (the program, not the builtin) and sleep', 'env kill -l 9; env kill -l TERM; sleep 0.01; echo $?; sleep x; echo $?; env kill 999999; echo $?'],
  ['cat and echo', 'echo one > f; cat f f; cat nope; echo $?; cat - < f; echo -n x; echo y'],
  ['ls', 'touch b a .h; mkdir d; ls; ls -a; ls -A; ls d; ls nope; echo $?; ls -d d'],
  ['ls -l shows a symlink operand itself; /dev/stdin and /dev/fd are there',
    'mkdir d; touch d/in; ln -s d sl; ls sl; ls -l sl | { read m n u g s mo dd t name arrow target; echo $m $name $arrow $target; }; ls -d sl; ' +
    'ls -l /dev/stdin | { read m n u g s mo dd t name arrow target; echo $m $name $arrow $target; }; echo redirected > f; cat /dev/stdin < f; cat /dev/fd/0 < f'],
];

for (const [name, script] of CASES) test(`coreutils agree with GNU: ${name}`, (t) => agrees_with_dash(t, script));
