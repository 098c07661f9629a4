/**
 * /bin/sh against dash, the reference: each script runs under the host's dash and under privos's
 * sh (`sh -c SCRIPT sh`), and stdout+stderr and the exit status must be the same. Skipped, with
 * a note, where the host has no dash.
 */
import test from 'ava';
import { agrees_with_dash } from './dash_compare.ts';

const SCRIPTS: [string, string][] = [
  ['variables and arithmetic', 'echo hello world; x=5; echo "$x" $((x*2+1)); echo ${y:-default} ${#x}'],
  ['for and while', 'for i in 1 2 3; do echo $i; done; i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo w$i; done; until [ $i = 0 ]; do i=$((i-1)); done; echo $i'],
  ['if elif else', 'if true; then echo yes; else echo no; fi; if false; then :; elif [ 1 = 1 ]; then echo elif; fi'],
  ['functions, return, $#', 'f() { echo "args: $# $1 $2"; return 3; }; f a "b c"; echo $?; x=outer; g() { x=inner; }; g; echo $x'],
  ['pipelines and a read in a group', 'echo one | cat; echo two | { read x; echo got $x; }; echo a b | { read p q; echo "$q-$p"; }'],
  ['here-documents', 'H=/h; cat <<EOF\n$H is home $((1+1))\nEOF\ncat <<"EOF"\n$H literal\nEOF\ncat <<-EOF\n\tindented\n\tEOF\necho after'],
  ['and-or lists, !, subshell exit', 'false || echo or; true && echo and; ! true; echo $?; (exit 4); echo $?; false && echo no; echo $?'],
  ['command not found is 127', 'nosuch; echo $?'],
  ['not executable is 126', 'touch nox; chmod 644 nox; ./nox; echo $?'],
  ['positional parameters', 'set -- a "b  c" d; shift; echo "$@" $#; for a in "$@"; do echo "[$a]"; done; for a in $*; do echo "<$a>"; done'],
  ['field splitting and IFS', 'x="a  b"; echo $x; echo "$x"; IFS=:; y="p:q"; echo $y; IFS=" "; set -- $x; echo $#'],
  ['trimming expansions', 'y=abc.tar.gz; echo ${y%.gz} ${y%%.*} ${y#*.} ${y##*.}; echo ${unset-dflt} ${empty:-e} ${z:=assigned} $z; empty=; echo "[${empty-x}]" "[${empty:+alt}]"'],
  ['command substitution', 'echo $(echo a $(echo b)) `echo c`; n=$(printf "x\\n\\n\\n"); echo "[$n]"'],
  ['set -e stops at a failure', 'set -e; true; false; echo notreached'],
  ['exit status', 'echo before; exit 7; echo after'],
  ['globbing', 'mkdir g && cd g && touch a1 a2 b1 .h && echo a* && echo *1 && echo z* && echo "a*" && echo [ab]2 && echo ?1 && echo *'],
  ['printf', 'printf "%s-%d\\n" a 1 b 2; printf "%5.2f|%x|%o|%c\\n" 3.14159 255 8 xyz; printf "%-4s|\\n" ab'],
  ['printf: the 0 flag with a precision (kept for floats, dropped for integers)', 'printf "%05.1f|%05.2d|%-6.2f|%+07.2f|%08.3e\\n" 3.14159 7 2.5 -1.5 1234.5'],
  ['echo escapes', 'echo "a\\tb"; echo -n "no newline"; echo; echo "x\\cy"; echo z'],
  ['break and continue', 'i=0; while true; do i=$((i+1)); if [ $i -gt 5 ]; then break; fi; [ $i = 2 ] && continue; echo $i; done'],
  ['redirections', 'echo x > f; echo y >> f; cat f; cat < f | wc -l; cat nofile 2>/dev/null || echo failed $?; exec 3>g; echo to3 >&3; exec 3>&-; cat g; { echo e1 >&2; } 2>&1; echo out 2>/dev/null'],
  ['arithmetic', 'a=1; b=2; echo $((a+b*3)) $((10/3)) $((10%3)) $((1<2)) $((-(3))) $((a==1 ? 7 : 8)) $((1<<4))'],
  ['test', '[ -d . ] && echo dir; [ -f nonexist ] || echo nofile; [ abc != abd ] && echo ne; [ 3 -ge 3 ] && echo ge; [ -z "" ] && echo z; [ -n x -a 1 -eq 1 ] && echo and; test ! -e nonexist && echo neg'],
  ['cd and pwd', 'mkdir -p d/e && cd d/e && basename_of() { echo ${1##*/}; }; basename_of $(pwd); cd ..; basename_of $PWD; cd /nonexistent; echo $?'],
  ['syntax error', 'echo ok; if then fi'],
  ['eval, ., export to a child', 'eval "echo ev \\$((2+2))"; echo "echo sourced \\$1" > s.sh; . ./s.sh; X=1; export X; sh -c "echo child \\$X"; Y=2 sh -c "echo y=\\$Y"; echo "[$Y]"'],
  ['background and wait', 'sleep 0.01 & wait $!; echo waited $?; (exit 3) & wait $!; echo $?'],
  ['umask, unset, type, read -r, shift', 'umask 027; umask; x=1; unset x; echo "[$x]"; type cd; type nosuch; echo $?; set -- a b c; shift 2; echo "$@"; printf "a\\\\b c\\n" | { read -r l; echo "$l"; }; printf "p\\\\q\\n" | { read l; echo "$l"; }'],
  ['kill by process group in a script', 'sh -c "sleep 5" & p=$!; kill $p; wait $p; echo $?'],
  ['case with glob patterns, alternatives, quoting',
    'for w in abc x.c "a b" Z "" foo.tar.gz; do case $w in a*c) echo "$w: a*c";; *.c|*.h) echo "$w: source";; "a b") echo quoted;; [A-Z]) echo upper;; "") echo empty;; *) echo "other $w";; esac; done; ' +
    'case x in (x) echo paren; esac; p="*"; case abc in $p) echo unquoted-var-globs;; esac; case abc in "$p") echo no;; *) echo quoted-var-literal;; esac; ' +
    'case y in x) ;; esac; echo $?; case a in a) false;; esac; echo $?; case b in\n  a) echo a\n  ;;\n  b) echo multi-line\nesac'],
  ['trap: catch, list, reset, ignore (inherited), EXIT with the exit status',
    'trap "echo exiting \\$?" EXIT; trap "echo got TERM" TERM; trap; kill -TERM $$; echo after; trap - TERM; trap "" INT; kill -INT $$; echo ignored; ' +
    'sh -c "kill -INT \\$\\$; echo child-ignored-too"; trap; exit 3'],
  ['trap: an action that exits', 'trap "echo usr1; exit 5" USR1; kill -USR1 $$; echo notreached'],
  ['trap: subshells drop caught traps; a bad signal', 'trap "echo in-sub" EXIT; (echo sub; exit 2); echo $?; trap "echo x" NOSUCH; echo $?'],
  ['trap: runs after the foreground command it arrived during', 'trap "echo caught \\$?" USR1; sh -c "kill -USR1 $$; echo child done; exit 4"; echo after $?'],
];

for (const [name, script] of SCRIPTS) test(`sh agrees with dash: ${name}`, (t) => agrees_with_dash(t, script));

test('ulimit as dash: print and set soft/hard limits in dash units, inherited by subshells, dash\'s errors', async (t) => {
  await agrees_with_dash(t, [
    'ulimit -n 512; ulimit -n; ulimit -Sn; ulimit -Hn',
    'ulimit -S -n 100; ulimit -Sn; ulimit -Hn',
    '(ulimit -n 50; ulimit -n); ulimit -n; sh -c "ulimit -n"',
    'ulimit -n 99999999; echo rc=$?; ulimit -H -n 50; echo rc=$?',
    'ulimit -x; echo rc=$?; ulimit -n abc; echo rc=$?; ulimit -n 1 2; echo rc=$?; ulimit -n -1; echo rc=$?',
    'ulimit -c 1; ulimit -c; ulimit -Hc; ulimit -f 2048; ulimit -f; ulimit -s 4096; ulimit -s; ulimit -Hs',
  ].join('\n'));
});
