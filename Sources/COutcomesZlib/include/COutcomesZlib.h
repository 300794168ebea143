#ifndef CZLIB_H
#define CZLIB_H
#include <zlib.h>

/// inflateInit2 is a macro; Swift needs a function. windowBits 15+32 accepts gzip or zlib headers.
static inline int czlib_inflate_init_gzip(z_stream *strm) {
    return inflateInit2(strm, 15 + 32);
}

/// deflateInit2 for gzip output (used by `outcomes sample` to write .csv.gz).
static inline int czlib_deflate_init_gzip(z_stream *strm, int level) {
    return deflateInit2(strm, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
#endif

#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif
/// Atomically swaps two paths (Linux renameat2 RENAME_EXCHANGE): the period folder is replaced
/// in one step, so a killed run never leaves readers without last month's tables.
/// Returns 0 on success, -1 with errno set otherwise.
static inline int outcomes_rename_exchange(const char *a, const char *b) {
#ifdef SYS_renameat2
    return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
#else
    return -1;
#endif
}
