// include/uapi/linux/stat.h
export const S_IFMT = 0o170000, S_IFSOCK = 0o140000, S_IFLNK = 0o120000, S_IFREG = 0o100000;
export const S_IFBLK = 0o60000, S_IFDIR = 0o40000, S_IFCHR = 0o20000, S_IFIFO = 0o10000;
export const S_ISUID = 0o4000, S_ISGID = 0o2000, S_ISVTX = 0o1000;
export const S_IRWXU = 0o700, S_IRUSR = 0o400, S_IWUSR = 0o200, S_IXUSR = 0o100;
export const S_IRWXG = 0o70, S_IRWXO = 0o7;
export const S_ISREG = (m: number): boolean => (m & S_IFMT) === S_IFREG;
export const S_ISDIR = (m: number): boolean => (m & S_IFMT) === S_IFDIR;
export const S_ISLNK = (m: number): boolean => (m & S_IFMT) === S_IFLNK;
export const S_ISCHR = (m: number): boolean => (m & S_IFMT) === S_IFCHR;
export const S_ISFIFO = (m: number): boolean => (m & S_IFMT) === S_IFIFO;
export const S_ISSOCK = (m: number): boolean => (m & S_IFMT) === S_IFSOCK;
