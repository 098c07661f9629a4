/**
 * A run's stdio: three pipes whose other ends the library holds (kernel/fs/host_pipe.ts), so
 * fd 0 reads the given input then EOF, and fd 1 and fd 2 are captured apart, each in order.
 * A process's children inherit them, as a shell's do.
 */
import { fput } from '../../kernel/fs/fdtable.ts';
import type { File } from '../../kernel/fs/fs_types.ts';
import { HostPipeReader, HostPipeWriter } from '../../kernel/fs/host_pipe.ts';
import type { Kernel } from '../../kernel/kernel.ts';

export class CapturedStdio {
  private readonly stdin: HostPipeWriter;
  private readonly stdout: HostPipeReader;
  private readonly stderr: HostPipeReader;

  constructor(k: Kernel, uid: number, gid: number, input: string | Uint8Array = '') {
    this.stdin = new HostPipeWriter(k, uid, gid, typeof input === 'string' ? new TextEncoder().encode(input) : input);
    this.stdout = new HostPipeReader(k, uid, gid);
    this.stderr = new HostPipeReader(k, uid, gid);
  }

  /** The files for the process's fds 0, 1 and 2. */
  files(): [File, File, File] { return [this.stdin.file, this.stdout.file, this.stderr.file]; }

  /** Drops the library's references to the guest ends once the process holds its own. */
  release_guest_ends(): void {
    for (const f of this.files()) fput(f);
  }

  /**
   * When the run is over: what was written to fds 1 and 2, and the library's ends closed (a
   * background child that writes later gets EPIPE, as after a shell's $(…) returns).
   */
  finish(): { stdout: Uint8Array; stderr: Uint8Array } {
    const r = { stdout: this.stdout.bytes(), stderr: this.stderr.bytes() };
    this.stdin.close(); this.stdout.close(); this.stderr.close();
    return r;
  }
}
