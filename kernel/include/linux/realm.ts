/**
 * A process image's JavaScript realm (a node:vm context): where its program and libc run, apart
 * from the kernel's realm. One per execve'd image; fork children and threads share it (they run
 * the same code, as they share text). `make` builds a task's CPU door there; `marker` is what its
 * doors throw when a task ends under user code; `promise_proto` recognises its promises.
 */
import type { CpuDoor } from '../uapi/cpu_door.ts';
import type { DoorHost, ImageOps } from '../../arch/door_factory.ts';

export interface UserRealm {
  readonly make: (host: DoorHost) => CpuDoor;
  readonly marker: object;
  /** The op counter and budget checks the realm's instrumented image is called with (`__po`). */
  readonly ops: ImageOps;
  readonly promise_proto: object;
  /** Where the image came from (the exec'd path), for the kernel log. */
  readonly name: string;
  /** The node:vm context (the realm's global object). */
  readonly context: object;
  /**
   * The SFI build of the image's code (kernel/privbox/sfi_image.ts, verified at load): other than
   * 'none', the image is box code, whose functions PIOT_IOCSPAWN accepts.
   */
  sfi: 'none' | 'full' | 'branch';
  /** Transparent boxing (`--privbox`): crt0 runs main in a box (ENTRY_BOX); an exec stays boxed. */
  boxed: boolean;
}
