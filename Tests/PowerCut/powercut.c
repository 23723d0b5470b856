// PowerCut: an LD_PRELOAD shim that models a power cut at the POSIX durability contract — after a
// power loss a file holds what was fsync'ed or fdatasync'ed, and nothing else — the model of
// SQLite's own crash tests, ALICE, CrashMonkey and LazyFS. It keeps, for every watched file, a
// *shadow* copy that holds only the durable bytes; a test kills the process and puts the shadows in
// place of the files.
//
// MODEL (the strict extreme; plain `kill -9` tests cover the other one, where everything that
// reached the kernel persists):
//  1. Data. A write (write, pwrite, pwrite64) or truncation (ftruncate, ftruncate64) of a watched
//     file is *pending*. fsync/fdatasync of the file, through any descriptor, applies all of its
//     pending operations to the shadow, in the order they were made. Whatever is still pending at
//     the cut is lost entirely: no partial flush, no reordering. (A real disk may persist any subset
//     of the pending writes; "none" is one outcome the contract allows, and the one that loses most.)
//  2. Metadata. Creating, renaming and unlinking a file are durable at once: the shadow is created
//     empty, renamed, removed. Directory-entry durability (fsync of the folder) is not modelled.
//  3. The page cache outlives a process: kill -9 loses nothing that reached the kernel. So when a
//     process first opens a watched file whose shadow exists, the difference between the file and
//     its shadow (what an earlier, killed process wrote and did not sync) becomes pending, and the
//     next fsync makes it durable, as the kernel would.
//  4. A file first seen with no shadow at all (it predates the shim) is durable as it is.
//
// WATCHED FILES: regular files directly in $POWERCUT_WATCH, except names ending in `-shm` (SQLite's
// WAL index: shared memory that SQLite rebuilds from the WAL after a crash, never durable state).
// Shadows sit in $POWERCUT_SHADOW under the same names. Without both variables the shim is inert.
//
// INTERPOSED CALLS: the ones Debian's libsqlite3 (3.40) imports to change files —
// `nm -D --undefined-only libsqlite3.so.0`: open64, write, pwrite64, fdatasync, ftruncate64, unlink,
// close — plus their twins other programs call (open, openat, openat64, pwrite, fsync, ftruncate,
// unlinkat, rename, dup, dup2, dup3; coreutils' dd, which the shim's own test runs, reopens its
// output file as descriptor 1 with dup2). SQLite maps database files read-only
// (SQLITE_MMAP_READWRITE is not in Debian's build, and mmap_size is 0), so mmap is not interposed.
// A call that would change a watched file in a way the model does not cover — writev, pwritev,
// fallocate, O_TRUNC of a non-empty file, a rename into or out of the folder, a descriptor above
// the table — aborts the process with a message naming it: a test then fails loudly instead of
// modelling less than it claims.
//
// Threads: the daemon writes the same files from several SQLite connections; every operation on a
// watched file runs, with its bookkeeping, under one mutex. Other descriptors pay one atomic load.
#define _GNU_SOURCE
#undef _FILE_OFFSET_BITS
#undef _FORTIFY_SOURCE
#include "powercut.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

// MARK: - state

/// One pending operation: a write of `length` bytes at `offset`, or a truncation to `offset`.
struct op {
    off64_t offset;
    size_t length;
    unsigned char *data;  // NULL for a truncation
};

/// One watched file (an inode), with the operations not yet synced.
struct file {
    dev_t dev;
    ino_t ino;
    int gone;  // unlinked (or replaced): writes to it no longer reach any durable name
    char name[NAME_MAX + 1];
    struct op *ops;
    size_t count, capacity;
    struct file *next;
};

enum { MAX_FD = 65536, CHUNK = 65536 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int active;
static char watch[PATH_MAX], watch_real[PATH_MAX], shadow[PATH_MAX];
static struct file *files;
static _Atomic(struct file *) table[MAX_FD];

static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off64_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_ftruncate)(int, off_t);
static int (*real_ftruncate64)(int, off64_t);
static int (*real_unlink)(const char *);
static int (*real_unlinkat)(int, const char *, int);
static int (*real_rename)(const char *, const char *);
static int (*real_close)(int);
static int (*real_dup)(int);
static int (*real_dup2)(int, int);
static int (*real_dup3)(int, int, int);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static ssize_t (*real_pwritev)(int, const struct iovec *, int, off_t);
static ssize_t (*real_pwritev64)(int, const struct iovec *, int, off64_t);
static int (*real_fallocate)(int, int, off_t, off_t);
static int (*real_fallocate64)(int, int, off64_t, off64_t);
static int (*real_posix_fallocate)(int, off_t, off_t);
static int (*real_posix_fallocate64)(int, off64_t, off64_t);

#define RESOLVE(name) real_##name = (__typeof__(real_##name))dlsym(RTLD_NEXT, #name)

/// Ends the process: the model cannot follow what was asked, and a silent gap would make a test lie.
static void fatal(const char *what, const char *path) {
    char message[PATH_MAX + 256];
    int n = snprintf(message, sizeof message, "powercut: %s%s%s (not modelled; see Tests/PowerCut/powercut.c)\n",
                     what, path ? ": " : "", path ? path : "");
    if (n > 0 && real_write) (void)!real_write(2, message, (size_t)n < sizeof message ? (size_t)n : sizeof message - 1);
    abort();
}

static void trim(char *path) {
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/') path[--n] = 0;
}

static void init(void) {
    RESOLVE(open); RESOLVE(open64); RESOLVE(openat); RESOLVE(openat64);
    RESOLVE(write); RESOLVE(pwrite); RESOLVE(pwrite64);
    RESOLVE(fsync); RESOLVE(fdatasync); RESOLVE(ftruncate); RESOLVE(ftruncate64);
    RESOLVE(unlink); RESOLVE(unlinkat); RESOLVE(rename); RESOLVE(close); RESOLVE(dup); RESOLVE(dup2); RESOLVE(dup3);
    RESOLVE(writev); RESOLVE(pwritev); RESOLVE(pwritev64);
    RESOLVE(fallocate); RESOLVE(fallocate64); RESOLVE(posix_fallocate); RESOLVE(posix_fallocate64);
    const char *w = getenv(POWERCUT_WATCH_VARIABLE), *s = getenv(POWERCUT_SHADOW_VARIABLE);
    if (!w || !s || !*w || !*s || strlen(w) >= PATH_MAX || strlen(s) >= PATH_MAX) return;
    strcpy(watch, w);
    strcpy(shadow, s);
    trim(watch);
    trim(shadow);
    // The folder may not exist yet (the daemon creates its state_dir): then the name as given.
    if (!realpath(watch, watch_real)) strcpy(watch_real, watch);
    if (mkdir(shadow, 0700) != 0 && errno != EEXIST) fatal("cannot create the shadow folder", shadow);
    active = 1;
}

static void ensure(void) { pthread_once(&once, init); }

// MARK: - paths

/// The name of `path` (relative to `dirfd`) inside the watched folder, written to `full` as an
/// absolute path; NULL when the file is not watched.
static const char *watched_name(int dirfd, const char *path, char full[PATH_MAX]) {
    if (!active || !path || !*path) return NULL;
    if (path[0] == '/') {
        if (strlen(path) >= PATH_MAX) return NULL;
        strcpy(full, path);
    } else {
        char folder[PATH_MAX];
        if (dirfd == AT_FDCWD) {
            if (!getcwd(folder, sizeof folder)) return NULL;
        } else {
            char link[64];
            snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
            ssize_t n = readlink(link, folder, sizeof folder - 1);
            if (n < 0) return NULL;
            folder[n] = 0;
        }
        if (snprintf(full, PATH_MAX, "%s/%s", folder, path) >= PATH_MAX) return NULL;
    }
    char *slash = strrchr(full, '/');
    const char *name = slash + 1;
    size_t folder_length = (size_t)(slash - full);
    int in_watch = (folder_length == strlen(watch) && strncmp(full, watch, folder_length) == 0)
        || (folder_length == strlen(watch_real) && strncmp(full, watch_real, folder_length) == 0);
    size_t name_length = strlen(name);
    if (!in_watch || name_length == 0 || name_length > NAME_MAX) return NULL;
    if (name_length >= 4 && strcmp(name + name_length - 4, "-shm") == 0) return NULL;
    return name;
}

static void shadow_path(const char *name, char out[PATH_MAX]) {
    if (snprintf(out, PATH_MAX, "%s/%s", shadow, name) >= PATH_MAX) fatal("shadow path too long", name);
}

// MARK: - bookkeeping (all under `lock`)

static struct file *tracked(int fd) {
    if (fd < 0 || fd >= MAX_FD) return NULL;
    return atomic_load_explicit(&table[fd], memory_order_acquire);
}

static struct file *find_inode(dev_t dev, ino_t ino) {
    for (struct file *f = files; f; f = f->next)
        if (!f->gone && f->dev == dev && f->ino == ino) return f;
    return NULL;
}

static struct file *find_name(const char *name) {
    for (struct file *f = files; f; f = f->next)
        if (!f->gone && strcmp(f->name, name) == 0) return f;
    return NULL;
}

static void drop_ops(struct file *f) {
    for (size_t i = 0; i < f->count; i++) free(f->ops[i].data);
    free(f->ops);
    f->ops = NULL;
    f->count = f->capacity = 0;
}

/// The file's name no longer leads to this inode: its pending data can never become durable.
static void forget(struct file *f) {
    drop_ops(f);
    f->gone = 1;
}

static void add_op(struct file *f, off64_t offset, const void *data, size_t length) {
    if (f->count == f->capacity) {
        size_t capacity = f->capacity ? f->capacity * 2 : 64;
        struct op *ops = realloc(f->ops, capacity * sizeof *ops);
        if (!ops) fatal("out of memory for pending writes", f->name);
        f->ops = ops;
        f->capacity = capacity;
    }
    unsigned char *copy = NULL;
    if (data) {
        copy = malloc(length ? length : 1);
        if (!copy) fatal("out of memory for pending writes", f->name);
        memcpy(copy, data, length);
    }
    f->ops[f->count++] = (struct op){.offset = offset, .length = length, .data = copy};
}

/// fsync: every pending operation reaches the shadow, in order.
static void apply(struct file *f) {
    if (f->gone || f->count == 0) return;
    char path[PATH_MAX];
    shadow_path(f->name, path);
    int fd = real_open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) fatal("cannot open the shadow", path);
    for (size_t i = 0; i < f->count; i++) {
        struct op *op = &f->ops[i];
        if (op->data) {
            size_t done = 0;
            while (done < op->length) {
                ssize_t n = real_pwrite64(fd, op->data + done, op->length - done, op->offset + (off64_t)done);
                if (n <= 0) fatal("cannot write the shadow", path);
                done += (size_t)n;
            }
        } else if (real_ftruncate64(fd, op->offset) != 0) {
            fatal("cannot truncate the shadow", path);
        }
    }
    real_close(fd);
    drop_ops(f);
}

/// Reads up to `length` bytes at `offset`, retrying short reads; returns the count read.
static size_t read_at(int fd, unsigned char *buffer, size_t length, off64_t offset) {
    size_t done = 0;
    while (done < length) {
        ssize_t n = pread64(fd, buffer + done, length - done, offset + (off64_t)done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += (size_t)n;
    }
    return done;
}

/// First sight of an inode in this process (model rules 3 and 4): no shadow yet → the file as it
/// is becomes the shadow; a shadow → what differs from it is pending.
static void adopt(struct file *f, const char *full) {
    char path[PATH_MAX];
    shadow_path(f->name, path);
    int source = real_open(full, O_RDONLY | O_CLOEXEC);
    if (source < 0) fatal("cannot read the watched file", full);
    int existing = real_open(path, O_RDONLY | O_CLOEXEC);
    static unsigned char real_chunk[CHUNK], shadow_chunk[CHUNK];
    struct stat source_stat, shadow_stat;
    if (fstat(source, &source_stat) != 0) fatal("cannot stat the watched file", full);
    if (existing < 0) {
        int out = real_open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (out < 0) fatal("cannot create the shadow", path);
        for (off64_t at = 0;; at += CHUNK) {
            size_t n = read_at(source, real_chunk, CHUNK, at);
            if (n == 0) break;
            if (real_pwrite64(out, real_chunk, n, at) != (ssize_t)n) fatal("cannot write the shadow", path);
        }
        real_close(out);
    } else {
        if (fstat(existing, &shadow_stat) != 0) fatal("cannot stat the shadow", path);
        if (shadow_stat.st_size != source_stat.st_size) add_op(f, source_stat.st_size, NULL, 0);
        for (off64_t at = 0; at < source_stat.st_size; at += CHUNK) {
            size_t n = read_at(source, real_chunk, CHUNK, at);
            size_t m = read_at(existing, shadow_chunk, CHUNK, at);
            if (n != m || memcmp(real_chunk, shadow_chunk, n) != 0) add_op(f, at, real_chunk, n);
        }
        real_close(existing);
    }
    real_close(source);
}

/// After a successful open of a watched path: find or create the inode's record, map the fd to it.
static void track(int fd, const char *full, const char *name, int created) {
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return;
    if (fd >= MAX_FD) fatal("descriptor above the shim's table", full);
    struct file *f = find_inode(st.st_dev, st.st_ino);
    if (!f) {
        struct file *previous = find_name(name);
        if (previous) forget(previous);  // the name now leads to another inode
        f = calloc(1, sizeof *f);
        if (!f) fatal("out of memory", full);
        f->dev = st.st_dev;
        f->ino = st.st_ino;
        strcpy(f->name, name);
        f->next = files;
        files = f;
        if (created) {
            char path[PATH_MAX];
            shadow_path(name, path);
            int out = real_open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
            if (out < 0) fatal("cannot create the shadow", path);
            real_close(out);
        } else {
            adopt(f, full);
        }
    }
    atomic_store_explicit(&table[fd], f, memory_order_release);
}

/// The record of a tracked fd, checked against the inode the fd refers to now (a descriptor
/// closed behind the shim's back, e.g. by dup2, must not be taken for the file).
static struct file *checked(int fd) {
    struct file *f = tracked(fd);
    struct stat st;
    if (f && (fstat(fd, &st) != 0 || st.st_dev != f->dev || st.st_ino != f->ino)) {
        atomic_store_explicit(&table[fd], NULL, memory_order_release);
        return NULL;
    }
    return f;
}

// MARK: - open

typedef int (*open_function)(int dirfd, const char *path, int flags, mode_t mode);

static int via_open(int dirfd, const char *path, int flags, mode_t mode) { (void)dirfd; return real_open(path, flags, mode); }
static int via_open64(int dirfd, const char *path, int flags, mode_t mode) { (void)dirfd; return real_open64(path, flags, mode); }
static int via_openat(int dirfd, const char *path, int flags, mode_t mode) { return real_openat(dirfd, path, flags, mode); }
static int via_openat64(int dirfd, const char *path, int flags, mode_t mode) { return real_openat64(dirfd, path, flags, mode); }

static int opened(open_function call, int dirfd, const char *path, int flags, mode_t mode) {
    ensure();
    char full[PATH_MAX];
    const char *name = watched_name(dirfd, path, full);
    if (!name) return call(dirfd, path, flags, mode);
    pthread_mutex_lock(&lock);
    struct stat before;
    int existed = stat(full, &before) == 0;
    if (existed && (flags & O_TRUNC) && S_ISREG(before.st_mode) && before.st_size > 0 && (flags & O_ACCMODE) != O_RDONLY)
        fatal("O_TRUNC of a non-empty watched file", full);
    int fd = call(dirfd, path, flags, mode);
    int saved = errno;
    if (fd >= 0) track(fd, full, name, !existed);
    pthread_mutex_unlock(&lock);
    errno = saved;
    return fd;
}

static mode_t mode_argument(int flags, va_list arguments) {
    return (flags & (O_CREAT | __O_TMPFILE)) ? (mode_t)va_arg(arguments, int) : 0;
}

int open(const char *path, int flags, ...) {
    va_list arguments;
    va_start(arguments, flags);
    mode_t mode = mode_argument(flags, arguments);
    va_end(arguments);
    return opened(via_open, AT_FDCWD, path, flags, mode);
}

int open64(const char *path, int flags, ...) {
    va_list arguments;
    va_start(arguments, flags);
    mode_t mode = mode_argument(flags, arguments);
    va_end(arguments);
    return opened(via_open64, AT_FDCWD, path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...) {
    va_list arguments;
    va_start(arguments, flags);
    mode_t mode = mode_argument(flags, arguments);
    va_end(arguments);
    return opened(via_openat, dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...) {
    va_list arguments;
    va_start(arguments, flags);
    mode_t mode = mode_argument(flags, arguments);
    va_end(arguments);
    return opened(via_openat64, dirfd, path, flags, mode);
}

// MARK: - data

/// Records a write that the kernel accepted (`n` bytes of `data` at `offset`) as pending.
static void wrote(int fd, off64_t offset, const void *data, ssize_t n) {
    struct file *f = checked(fd);
    if (f && !f->gone && n > 0) add_op(f, offset, data, (size_t)n);
}

ssize_t pwrite64(int fd, const void *data, size_t length, off64_t offset) {
    ensure();
    if (!tracked(fd)) return real_pwrite64(fd, data, length, offset);
    pthread_mutex_lock(&lock);
    ssize_t n = real_pwrite64(fd, data, length, offset);
    int saved = errno;
    wrote(fd, offset, data, n);
    pthread_mutex_unlock(&lock);
    errno = saved;
    return n;
}

ssize_t pwrite(int fd, const void *data, size_t length, off_t offset) {
    ensure();
    if (!tracked(fd)) return real_pwrite(fd, data, length, offset);
    return pwrite64(fd, data, length, offset);
}

ssize_t write(int fd, const void *data, size_t length) {
    ensure();
    if (!tracked(fd)) return real_write(fd, data, length);
    pthread_mutex_lock(&lock);
    off64_t offset = lseek64(fd, 0, SEEK_CUR);
    struct stat st;
    if ((fcntl(fd, F_GETFL) & O_APPEND) && fstat(fd, &st) == 0) offset = st.st_size;
    ssize_t n = real_write(fd, data, length);
    int saved = errno;
    if (offset >= 0) wrote(fd, offset, data, n);
    pthread_mutex_unlock(&lock);
    errno = saved;
    return n;
}

static int truncated(int fd, off64_t length, int result) {
    if (result == 0) {
        struct file *f = checked(fd);
        if (f && !f->gone) add_op(f, length, NULL, 0);
    }
    return result;
}

int ftruncate64(int fd, off64_t length) {
    ensure();
    if (!tracked(fd)) return real_ftruncate64(fd, length);
    pthread_mutex_lock(&lock);
    int result = real_ftruncate64(fd, length);
    int saved = errno;
    truncated(fd, length, result);
    pthread_mutex_unlock(&lock);
    errno = saved;
    return result;
}

int ftruncate(int fd, off_t length) {
    ensure();
    if (!tracked(fd)) return real_ftruncate(fd, length);
    return ftruncate64(fd, length);
}

static int synced(int fd, int (*call)(int)) {
    ensure();
    if (!tracked(fd)) return call(fd);
    pthread_mutex_lock(&lock);
    int result = call(fd);
    int saved = errno;
    struct file *f = result == 0 ? checked(fd) : NULL;
    if (f) apply(f);
    pthread_mutex_unlock(&lock);
    errno = saved;
    return result;
}

int fsync(int fd) { ensure(); return synced(fd, real_fsync); }
int fdatasync(int fd) { ensure(); return synced(fd, real_fdatasync); }

// MARK: - metadata

int close(int fd) {
    ensure();
    if (tracked(fd)) {
        // Unmapped before the real close, so that an open on another thread that gets this number
        // back cannot be unmapped by us afterwards.
        pthread_mutex_lock(&lock);
        atomic_store_explicit(&table[fd], NULL, memory_order_release);
        pthread_mutex_unlock(&lock);
    }
    return real_close(fd);
}

/// dup2/dup3: `to` now refers to what `from` refers to (and no longer to what it did).
static int duplicated(int from, int to) {
    if (to < 0) return to;
    if (to >= MAX_FD) {
        if (tracked(from)) fatal("descriptor above the shim's table", NULL);
        return to;
    }
    atomic_store_explicit(&table[to], tracked(from), memory_order_release);
    return to;
}

int dup(int fd) {
    ensure();
    if (!tracked(fd)) return real_dup(fd);
    pthread_mutex_lock(&lock);
    int result = real_dup(fd);
    int saved = errno;
    duplicated(fd, result);
    pthread_mutex_unlock(&lock);
    errno = saved;
    return result;
}

int dup2(int from, int to) {
    ensure();
    if (!tracked(from) && !tracked(to)) return real_dup2(from, to);
    pthread_mutex_lock(&lock);
    int result = real_dup2(from, to);
    int saved = errno;
    duplicated(from, result);
    pthread_mutex_unlock(&lock);
    errno = saved;
    return result;
}

int dup3(int from, int to, int flags) {
    ensure();
    if (!tracked(from) && !tracked(to)) return real_dup3(from, to, flags);
    pthread_mutex_lock(&lock);
    int result = real_dup3(from, to, flags);
    int saved = errno;
    duplicated(from, result);
    pthread_mutex_unlock(&lock);
    errno = saved;
    return result;
}

/// unlink/unlinkat of a watched file: the shadow goes too (model rule 2).
static int removed(int dirfd, const char *path, int flags) {
    ensure();
    char full[PATH_MAX];
    const char *name = (flags & AT_REMOVEDIR) ? NULL : watched_name(dirfd, path, full);
    if (!name) return dirfd == AT_FDCWD && flags == 0 ? real_unlink(path) : real_unlinkat(dirfd, path, flags);
    pthread_mutex_lock(&lock);
    int result = dirfd == AT_FDCWD && flags == 0 ? real_unlink(path) : real_unlinkat(dirfd, path, flags);
    int saved = errno;
    if (result == 0) {
        struct file *f = find_name(name);
        if (f) forget(f);
        char copy[PATH_MAX];
        shadow_path(name, copy);
        real_unlink(copy);
    }
    pthread_mutex_unlock(&lock);
    errno = saved;
    return result;
}

int unlink(const char *path) { return removed(AT_FDCWD, path, 0); }
int unlinkat(int dirfd, const char *path, int flags) { return removed(dirfd, path, flags); }

int rename(const char *from, const char *to) {
    ensure();
    char full_from[PATH_MAX], full_to[PATH_MAX];
    const char *name_from = watched_name(AT_FDCWD, from, full_from);
    const char *name_to = watched_name(AT_FDCWD, to, full_to);
    if (!name_from && !name_to) return real_rename(from, to);
    if (!name_from || !name_to) fatal("rename into or out of the watched folder", name_from ? full_from : full_to);
    pthread_mutex_lock(&lock);
    int result = real_rename(from, to);
    int saved = errno;
    if (result == 0) {
        struct file *replaced = find_name(name_to);
        if (replaced) forget(replaced);
        struct file *f = find_name(name_from);
        if (f) strcpy(f->name, name_to);
        char shadow_from[PATH_MAX], shadow_to[PATH_MAX];
        shadow_path(name_from, shadow_from);
        shadow_path(name_to, shadow_to);
        if (real_rename(shadow_from, shadow_to) != 0) real_unlink(shadow_to);
    }
    pthread_mutex_unlock(&lock);
    errno = saved;
    return result;
}

// MARK: - calls the model does not cover: allowed elsewhere, fatal on a watched file

#define REFUSE_IF_TRACKED(fd, what) \
    do { ensure(); if (tracked(fd)) fatal(what " on a watched file", NULL); } while (0)

ssize_t writev(int fd, const struct iovec *vector, int count) {
    REFUSE_IF_TRACKED(fd, "writev");
    return real_writev(fd, vector, count);
}

ssize_t pwritev(int fd, const struct iovec *vector, int count, off_t offset) {
    REFUSE_IF_TRACKED(fd, "pwritev");
    return real_pwritev(fd, vector, count, offset);
}

ssize_t pwritev64(int fd, const struct iovec *vector, int count, off64_t offset) {
    REFUSE_IF_TRACKED(fd, "pwritev64");
    return real_pwritev64(fd, vector, count, offset);
}

int fallocate(int fd, int mode, off_t offset, off_t length) {
    REFUSE_IF_TRACKED(fd, "fallocate");
    return real_fallocate(fd, mode, offset, length);
}

int fallocate64(int fd, int mode, off64_t offset, off64_t length) {
    REFUSE_IF_TRACKED(fd, "fallocate64");
    return real_fallocate64(fd, mode, offset, length);
}

int posix_fallocate(int fd, off_t offset, off_t length) {
    REFUSE_IF_TRACKED(fd, "posix_fallocate");
    return real_posix_fallocate(fd, offset, length);
}

int posix_fallocate64(int fd, off64_t offset, off64_t length) {
    REFUSE_IF_TRACKED(fd, "posix_fallocate64");
    return real_posix_fallocate64(fd, offset, length);
}
