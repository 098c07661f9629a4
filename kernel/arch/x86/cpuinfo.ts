/**
 * /proc/cpuinfo on x86_64 (arch/x86/kernel/cpu/proc.c show_cpuinfo): the one emulated CPU, a
 * Skylake as the cost profile models it. `flags` follows the machine: smap and smep only when
 * the CPU enforces them, pti when page-table isolation is on (X86_FEATURE_PTI).
 */
import type { Kernel } from '../../kernel.ts';

/** Skylake's flags as Linux names and orders them (x86_cap_flags); pti, smep and smap are switchable. */
const FLAGS = ('fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr ' +
  'sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc art arch_perfmon pebs bts rep_good nopl xtopology ' +
  'nonstop_tsc cpuid aperfmperf pni pclmulqdq dtes64 monitor ds_cpl vmx est tm2 ssse3 sdbg fma cx16 xtpr pdcm pcid ' +
  'sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand lahf_lm abm 3dnowprefetch cpuid_fault ' +
  'epb invpcid_single pti ssbd ibrs ibpb stibp tpr_shadow flexpriority ept vpid ept_ad fsgsbase tsc_adjust bmi1 hle avx2 ' +
  'smep bmi2 erms invpcid rtm mpx rdseed adx smap clflushopt intel_pt xsaveopt xsavec xgetbv1 xsaves dtherm ida arat pln ' +
  'pts hwp hwp_notify hwp_act_window hwp_epp md_clear flush_l1d arch_capabilities').split(' ');

export function x86_cpuinfo(k: Kernel): string {
  const f = k.cpu.features, mhz = (k.cpu.profile.hz / 1e6).toFixed(3);
  const on: Record<string, boolean> = { pti: k.cpu.profile.pti, smep: f.smep, smap: f.smap };
  const flags = FLAGS.filter((x) => on[x] ?? true).join(' ');
  const bugs = 'cpu_meltdown spectre_v1 spectre_v2 spec_store_bypass l1tf mds swapgs taa itlb_multihit srbds mmio_stale_data retbleed gds';
  return [
    'processor\t: 0', 'vendor_id\t: GenuineIntel', 'cpu family\t: 6', 'model\t\t: 94',
    `model name\t: Intel(R) Core(TM) i7-6700 CPU @ ${(k.cpu.profile.hz / 1e9).toFixed(2)}GHz`, 'stepping\t: 3', 'microcode\t: 0xf0',
    `cpu MHz\t\t: ${mhz}`, 'cache size\t: 8192 KB', 'physical id\t: 0', 'siblings\t: 1', 'core id\t\t: 0', 'cpu cores\t: 1',
    'apicid\t\t: 0', 'initial apicid\t: 0', 'fpu\t\t: yes', 'fpu_exception\t: yes', 'cpuid level\t: 22', 'wp\t\t: yes',
    `flags\t\t: ${flags}`, `bugs\t\t: ${bugs}`, `bogomips\t: ${(k.cpu.profile.hz / 1e6 * 2).toFixed(2)}`,
    'clflush size\t: 64', 'cache_alignment\t: 64', 'address sizes\t: 39 bits physical, 48 bits virtual', 'power management:', '', '',
  ].join('\n');
}
