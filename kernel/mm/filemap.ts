/**
 * The page cache of mapped files (Linux mm/filemap.c, greatly reduced).
 *
 * File data of tmpfs/hostfs lives in a memfs storage node (a JS Buffer), not in physical
 * frames, so a mapping needs frames that stand for the file's pages. Each mapped inode gets an
 * `AddressSpace` (`inode.i_mapping`): page index → frame, the cache holding one reference on
 * each frame and every page-table entry one more. Design:
 *
 * - filemap_fault fills a cache frame from the node on first touch (bytes past EOF in the last
 *   page read as zero; a page wholly past EOF is VM_FAULT_SIGBUS). MAP_SHARED maps that frame,
 *   so every shared mapping of the inode (in any process) sees the same bytes. MAP_PRIVATE
 *   maps it read-only and copies on the first write (do_cow_fault / wp_page_copy), as Linux.
 * - The cache frame is the newest copy of its page. read(2) copies cached pages from the frames
 *   (filemap_read); write(2) and truncate write the node and then refresh the cached frames
 *   (filemap_update), so read() sees stores through a mapping and a mapping sees write() at
 *   once, without msync.
 * - Write-back (frame → node, filemap_write_back) happens at msync(MS_SYNC), fsync, before any
 *   kernel-internal reader of the node (shmem_node: exec, sendfile, hostfs's host write) and
 *   when the last mapping of a page goes (munmap, exit, MADV_DONTNEED): a frame only the cache
 *   references is written back and freed (the cache is not kept for unmapped pages, so frames
 *   are not held past the last mapping). Only changed bytes mark the inode dirty (hostfs then
 *   writes the host file at fsync/close/release).
 *
 * Limits: no reverse map (i_mmap), so truncation zeroes cached pages past the new EOF but
 * cannot unmap them from the page tables: an access there reads zeros instead of SIGBUS.
 */
import { Node } from '@jsonjoy.com/fs-core';
import { FMODE_WRITE, type File, type Inode, type SysRet } from '../fs/fs_types.ts';
import { fput } from '../fs/fdtable.ts';
import { I_DIRTY } from '../include/linux/fs.ts';
import type { Task } from '../sched/task.ts';
import { C } from '../time/cost.ts';
import type { Cpu } from '../arch/cpu.ts';
import { VM_FAULT_OOM, VM_FAULT_SIGBUS, type VmFile } from './mm_types.ts';
import { PAGE_SIZE } from './page_alloc.ts';
import { copy_to_user } from './uaccess.ts';
import { user_ptr_add, type UserPtr } from '../include/linux/compiler_types.ts';

/** struct address_space: the cached pages of one inode. */
export class AddressSpace {
  /** Page index → pfn; the cache owns one reference on each frame. */
  readonly i_pages = new Map<number, number>();
  constructor(readonly host: Inode, readonly cpu: Cpu) {}

  get nrpages(): number { return this.i_pages.size; }
  node(): Node { return this.host.i_private as Node; }
}

/** The inode's address space, created on the first mmap. */
export function mapping_of(inode: Inode, cpu: Cpu): AddressSpace {
  return inode.i_mapping ??= new AddressSpace(inode, cpu);
}

/** True when the inode has cached pages that read/write must go through. */
export function mapping_mapped(inode: Inode): boolean {
  const m = inode.i_mapping;
  return m !== null && m.i_pages.size !== 0;
}

/**
 * filemap_fault(): the cache frame for page-aligned file offset pos (filled from the node on a
 * miss), with a reference for the caller; -VM_FAULT_SIGBUS past EOF.
 */
export function filemap_fault(m: AddressSpace, pos: number): number {
  const size = m.host.i_size;
  if (pos >= size) return -VM_FAULT_SIGBUS;
  const idx = pos / PAGE_SIZE;
  const { phys } = m.cpu;
  let pfn = m.i_pages.get(idx);
  if (pfn === undefined) {
    pfn = phys.alloc_page();
    if (pfn < 0) return -VM_FAULT_OOM;
    const buf = m.node().buf;
    const n = Math.min(PAGE_SIZE, size - pos, buf.length - pos);
    if (n > 0) phys.mem.set(buf.subarray(pos, pos + n), pfn * PAGE_SIZE);
    m.cpu.charge_n(C.copy_byte, n);
    m.i_pages.set(idx, pfn);
  }
  phys.get_page(pfn);
  return pfn;
}

/**
 * Writes cached pages overlapping [start, end) back to the node (the role of writepages):
 * only the bytes below EOF, and the inode is marked dirty only if something changed.
 * Returns the number of pages that differed.
 */
export function filemap_write_back(m: AddressSpace, start = 0, end = Infinity): number {
  const size = m.host.i_size, node = m.node(), mem = m.cpu.phys.mem;
  let changed = 0;
  for (const [idx, pfn] of m.i_pages) {
    const pos = idx * PAGE_SIZE;
    if (pos + PAGE_SIZE <= start || pos >= end || pos >= size) continue;
    const n = Math.min(PAGE_SIZE, size - pos);
    const frame = mem.subarray(pfn * PAGE_SIZE, pfn * PAGE_SIZE + n);
    // The node may be shorter than i_size (a file whose tail is a hole, like shared anonymous
    // memory): bytes past its end are zeros, so an all-zero page there changes nothing.
    const stored = Math.max(0, Math.min(n, node.getSize() - pos));
    const same = stored === 0 || node.buf.compare(frame, 0, stored, pos, pos + stored) === 0;
    if (same && frame.subarray(stored).every((x) => x === 0)) continue;
    node.write(Buffer.from(frame.buffer, frame.byteOffset, n), 0, n, pos);
    m.cpu.charge_n(C.copy_byte, n);
    changed++;
  }
  if (changed) {
    m.host.i_mtime = m.host.i_ctime = Date.now() * 1e6;
    m.host.i_state |= I_DIRTY;
  }
  return changed;
}

/**
 * The node changed in [from, to) (write(2), truncate): refresh the cached frames from it, zeros
 * past EOF, so mappings see the new bytes.
 */
export function filemap_update(m: AddressSpace, from: number, to: number): void {
  const size = m.host.i_size, buf = m.node().buf, mem = m.cpu.phys.mem;
  for (const [idx, pfn] of m.i_pages) {
    const pos = idx * PAGE_SIZE;
    const a = Math.max(from, pos), b = Math.min(to, pos + PAGE_SIZE);
    if (a >= b) continue;
    const data_end = Math.min(b, size, buf.length);
    if (data_end > a) mem.set(buf.subarray(a, data_end), pfn * PAGE_SIZE + (a - pos));
    if (b > Math.max(a, data_end)) mem.fill(0, pfn * PAGE_SIZE + (Math.max(a, data_end) - pos), pfn * PAGE_SIZE + (b - pos));
  }
}

/** Writes back and frees cached frames no page table maps any more (refcount 1: the cache's). */
export function filemap_release_unmapped(m: AddressSpace): void {
  const { phys } = m.cpu;
  let any = false;
  for (const pfn of m.i_pages.values()) if (phys.refcount[pfn] === 1) { any = true; break; }
  if (!any) return;
  filemap_write_back(m);
  for (const [idx, pfn] of m.i_pages) {
    if (phys.refcount[pfn] !== 1) continue;
    phys.put_page(pfn);
    m.i_pages.delete(idx);
  }
}

/**
 * filemap_read(): copies file bytes [pos, pos+n) to user memory at ubuf, cached pages from
 * their frames and the rest from the node. Returns the bytes not copied (copy_to_user's result).
 */
export function filemap_read(m: AddressSpace, t: Task, ubuf: UserPtr, pos: number, n: number): number {
  const buf = m.node().buf, mem = m.cpu.phys.mem;
  let done = 0;
  while (done < n) {
    const p = pos + done;
    const off = p % PAGE_SIZE;
    const chunk = Math.min(n - done, PAGE_SIZE - off);
    const pfn = m.i_pages.get((p - off) / PAGE_SIZE);
    const left = pfn === undefined ? copy_to_user(t, user_ptr_add(ubuf, done), buf, p, chunk)
      : copy_to_user(t, user_ptr_add(ubuf, done), mem, pfn * PAGE_SIZE + off, chunk);
    done += chunk - left;
    if (left) break;
  }
  return n - done;
}

/** The VmFile of a tmpfs/hostfs regular file mapping (generic_file_vm_ops + vm_file). */
class FileVm implements VmFile {
  readonly may_write: boolean;
  constructor(readonly file: File, readonly mapping: AddressSpace) {
    this.may_write = (file.f_mode & FMODE_WRITE) !== 0;
  }
  get name(): string { return this.file.f_dentry?.path() ?? ''; }
  get dev(): number { return this.file.f_inode.i_sb.s_dev; }
  get ino(): number { return this.file.f_inode.i_ino; }
  fault(pos: number): number { return filemap_fault(this.mapping, pos); }
  unmapped(): void { filemap_release_unmapped(this.mapping); }
  sync(t: Task, start: number, end: number): SysRet {
    filemap_write_back(this.mapping, start, end);
    const f = this.file;
    return f.f_op.fsync ? f.f_op.fsync(f, t, true) : 0;
  }
  get(): void { this.file.get(); }
  put(): void { fput(this.file); }
}

/** generic_file_mmap(): the f_op.mmap of tmpfs and hostfs regular files. */
export function generic_file_mmap(f: File, t: Task): VmFile {
  return new FileVm(f, mapping_of(f.f_inode, t.kernel.cpu));
}
