// A kernel module written in a plain project, against the package's kernel API
// (privos/kernel/...): a misc device /dev/greet whose read returns the `greeting` parameter.
import { misc_deregister, misc_register, MISC_DYNAMIC_MINOR } from 'privos/kernel/fs/devfs/misc';
import { EFAULT } from 'privos/kernel/include/uapi/errno';
import { copy_to_user } from 'privos/kernel/mm/uaccess';
import { MODULE_LICENSE, module_exit, module_init, module_param } from 'privos/kernel/modules/module';

export const license = MODULE_LICENSE('GPL');
export const greeting = module_param('greeting', 'charp', 0o644, 'hello', 'what read returns');

const fops = {
  read(_f, t, ubuf, count, pos) {
    const msg = new TextEncoder().encode(`${greeting.value}\n`);
    if (pos >= msg.length) return 0;
    const n = Math.min(count, msg.length - pos);
    return copy_to_user(t, ubuf, msg, pos, n) ? -EFAULT : n;
  },
};

let dev = null;
export const __init = module_init((mod) => {
  dev = { minor: MISC_DYNAMIC_MINOR, name: 'greet', fops, owner: mod, mode: 0o666 };
  return misc_register(mod.kernel, dev);
});
export const __exit = module_exit((mod) => { if (dev) misc_deregister(mod.kernel, dev); });
