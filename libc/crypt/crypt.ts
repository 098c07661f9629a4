/**
 * crypt(3): the hash of a password under a setting, chosen by the setting's prefix as
 * libxcrypt does — "$1$" md5-crypt, "$2a$"/"$2b$"/"$2y$" bcrypt, "$5$"/"$6$" SHA-crypt.
 * Others (traditional DES, yescrypt "$y$", …) are not implemented: null, as crypt_r's failure
 * (EINVAL), so they never verify. https://man7.org/linux/man-pages/man3/crypt.3.html
 */
import { bcrypt } from './bcrypt.ts';
import { md5_crypt } from './md5_crypt.ts';
import { sha256_crypt, sha512_crypt } from './sha_crypt.ts';

export function crypt(pw: Uint8Array, setting: string): string | null {
  // A C string: the password ends at its first NUL.
  const nul = pw.indexOf(0);
  const key = nul < 0 ? pw : pw.subarray(0, nul);
  if (setting.startsWith('$1$')) return md5_crypt(key, setting, '$1$');
  if (setting.startsWith('$2')) return bcrypt(key, setting);
  if (setting.startsWith('$5$')) return sha256_crypt(key, setting);
  if (setting.startsWith('$6$')) return sha512_crypt(key, setting);
  return null;
}
