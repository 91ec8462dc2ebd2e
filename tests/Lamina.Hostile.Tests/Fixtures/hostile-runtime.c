/* hostile-runtime: a static Lambda custom runtime that tries to get out of its execution environment.
 * It speaks the Runtime API (2018-06-01) over HTTP/1.1 to $AWS_LAMBDA_RUNTIME_API. The event is a JSON
 * string "ATTACK ARG...": the runtime tries the attack and answers
 *   {"attack":"ATTACK","pid":P,"count":N,"results":["what ok|what errno=NAME|what key=value", ...]}
 * so the tests assert on the kernel's own answers. "ping" only answers (a well-behaved neighbour).
 * forkbomb and memhog never answer: the platform must end them (timeout, OOM kill). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime-api.h"

static char out[65536];
static size_t outlen;

/* Appends one result string to the answer (callers never pass quotes or backslashes). */
static void add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void add(const char *fmt, ...) {
    if (outlen + 256 >= sizeof out) return;
    if (out[outlen - 1] != '[') out[outlen++] = ',';
    out[outlen++] = '"';
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out + outlen, sizeof out - outlen - 8, fmt, ap);
    va_end(ap);
    if (n > 0) outlen += (size_t)n < sizeof out - outlen - 8 ? (size_t)n : sizeof out - outlen - 8;
    out[outlen++] = '"';
}

static void rc(const char *what, long r) {
    if (r < 0) add("%s errno=%s", what, strerrorname_np(errno));
    else add("%s ok", what);
}


/* ---- the attacks ---- */
/* Tries to lift its own memory limit wherever either cgroup layout keeps it: v1's memory controller
 * (memory.limit_in_bytes) and the unified hierarchy (memory.max), at the root of a cgroup mount and at this
 * process's own cgroup, read from /proc/self/cgroup ("ID:memory:/path" on v1, "0::/path" on v2). */
static void try_write(const char *path, const char *value) {
    int fd = open(path, O_WRONLY);
    if (fd < 0) { add("%s errno=%s", path, strerrorname_np(errno)); return; }
    rc(path, write(fd, value, strlen(value)));
    close(fd);
}

static void cgroup_memory_limits(void) {
    try_write("/sys/fs/cgroup/memory/memory.limit_in_bytes", "-1");
    try_write("/sys/fs/cgroup/memory.max", "max");
    FILE *f = fopen("/proc/self/cgroup", "r");
    if (!f) { add("/proc/self/cgroup errno=%s", strerrorname_np(errno)); return; }
    char line[512], path[640];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        char *controllers = strchr(line, ':');
        char *own = controllers ? strchr(controllers + 1, ':') : NULL;
        if (!own) continue;
        *own++ = 0;
        controllers++;
        if (!strcmp(own, "/")) continue; /* the root's files are tried above */
        if (!*controllers) {
            snprintf(path, sizeof path, "/sys/fs/cgroup%s/memory.max", own);
            try_write(path, "max");
            continue;
        }
        char *rest;
        for (char *c = strtok_r(controllers, ",", &rest); c; c = strtok_r(NULL, ",", &rest)) {
            if (strcmp(c, "memory")) continue;
            snprintf(path, sizeof path, "/sys/fs/cgroup/memory%s/memory.limit_in_bytes", own);
            try_write(path, "-1");
        }
    }
    fclose(f);
}

static void try_read(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) { add("%s errno=%s", path, strerrorname_np(errno)); return; }
    char buf[256];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    if (n < 0) add("%s errno=%s", path, strerrorname_np(errno));
    else add("%s read=%zd", path, n);
}

static void try_tcp(const char *portText) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)atoi(portText));
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    char what[64];
    snprintf(what, sizeof what, "tcp:%s", portText);
    rc(what, connect(fd, (struct sockaddr *)&a, sizeof a));
    close(fd);
}

static void try_unix(const char *path) {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = {0};
    a.sun_family = AF_UNIX;
    snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
    char what[160];
    snprintf(what, sizeof what, "unix:%s", path);
    rc(what, connect(fd, (struct sockaddr *)&a, sizeof a));
    close(fd);
}

/* Connects to the agent's control socket and asks it to shut down: "control:PATH closed" when the agent hung
 * up without answering, "control:PATH status=NNN" when it answered, or the errno of connect/read. */
static void try_control(const char *path) {
    char what[160];
    snprintf(what, sizeof what, "control:%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = {0};
    a.sun_family = AF_UNIX;
    snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) { add("%s errno=%s", what, strerrorname_np(errno)); close(fd); return; }
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    static const char request[] = "POST /lamina/v1/shutdown HTTP/1.1\r\nHost: agent\r\nContent-Length: 0\r\n\r\n";
    if (send(fd, request, sizeof request - 1, MSG_NOSIGNAL) < 0) { add("%s send errno=%s", what, strerrorname_np(errno)); close(fd); return; }
    char buf[64] = {0};
    ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
    close(fd);
    if (n < 0) add("%s errno=%s", what, strerrorname_np(errno));
    else if (n == 0) add("%s closed", what);
    else if (n >= 12 && !strncmp(buf, "HTTP/1.1 ", 9)) add("%s status=%.3s", what, buf + 9);
    else add("%s answered", what);
}

/* Tries to take over the control directory: remove or rename the agent's socket, create a file beside it,
 * make the directory world-writable. */
static void tamper(const char *dir) {
    char path[200], other[200];
    snprintf(path, sizeof path, "%s/control.sock", dir);
    snprintf(other, sizeof other, "%s/moved.sock", dir);
    rc("rename-socket", rename(path, other));
    rc("unlink-socket", unlink(path));
    snprintf(other, sizeof other, "%s/planted", dir);
    int fd = open(other, O_WRONLY | O_CREAT | O_EXCL, 0600);
    rc("create-file", fd);
    if (fd >= 0) close(fd);
    rc("chmod-dir", chmod(dir, 0777));
}

/* Writes 1 MiB chunks to path until the kernel refuses or limitMb is reached; reports the size, then deletes it. */
static void fill(const char *path, long limitMb) {
    static char chunk[1 << 20];
    memset(chunk, 'x', sizeof chunk);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) { add("%s errno=%s", path, strerrorname_np(errno)); return; }
    long written = 0;
    int err = 0;
    while (written < limitMb << 20) {
        ssize_t w = write(fd, chunk, sizeof chunk);
        if (w <= 0) { err = w < 0 ? errno : ENOSPC; break; }
        written += w;
    }
    close(fd);
    unlink(path);
    add("%s bytes=%ld errno=%s", path, written, err ? strerrorname_np(err) : "none");
}

/* Looks for a file named name in every process's /tmp it can see (another function's /tmp). */
static void scan_tmp(const char *name) {
    DIR *d = opendir("/proc");
    int pids = 0, found = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        pids++;
        char path[300];
        snprintf(path, sizeof path, "/proc/%s/root/tmp/%s", e->d_name, name);
        if (access(path, F_OK) == 0) found++;
    }
    if (d) closedir(d);
    add("scan pids=%d found=%d", pids, found);
}

/* Spins workers processes for the given seconds (children are killed afterwards), then answers. */
static void spin(double seconds, int workers) {
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pid_t children[64];
    int n = 0;
    for (int i = 1; i < workers && n < 64; i++) { pid_t p = fork(); if (p == 0) { for (;;) {} } if (p > 0) children[n++] = p; }
    volatile unsigned long x = 0;
    do { for (int i = 0; i < 1000000; i++) x += (unsigned long)i; clock_gettime(CLOCK_MONOTONIC, &now); }
    while ((double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9 < seconds);
    for (int i = 0; i < n; i++) { kill(children[i], SIGKILL); waitpid(children[i], NULL, 0); }
    add("spun seconds=%.1f workers=%d", seconds, n + 1);
}

static void attack(int argc, char **argv) {
    const char *a = argv[0];
    if (!strcmp(a, "ping")) { add("pong"); return; }
    if (!strcmp(a, "read")) { for (int i = 1; i < argc; i++) try_read(argv[i]); return; }
    if (!strcmp(a, "ls")) {
        for (int i = 1; i < argc; i++) {
            DIR *d = opendir(argv[i]);
            int n = 0;
            if (!d) { add("%s errno=%s", argv[i], strerrorname_np(errno)); continue; }
            while (readdir(d)) n++;
            closedir(d);
            add("%s entries=%d", argv[i], n);
        }
        return;
    }
    if (!strcmp(a, "tcp")) { for (int i = 1; i < argc; i++) try_tcp(argv[i]); return; }
    if (!strcmp(a, "unix")) { for (int i = 1; i < argc; i++) try_unix(argv[i]); return; }
    if (!strcmp(a, "control")) { for (int i = 1; i < argc; i++) try_control(argv[i]); return; }
    if (!strcmp(a, "tamper")) { tamper(argv[1]); return; }
    if (!strcmp(a, "scan")) { scan_tmp(argv[1]); return; }
    if (!strcmp(a, "write")) {
        for (int i = 1; i < argc; i++) {
            int fd = open(argv[i], O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0) { rc(argv[i], write(fd, "pwned", 5)); close(fd); }
            else add("%s errno=%s", argv[i], strerrorname_np(errno));
        }
        return;
    }
    if (!strcmp(a, "mount")) {
        mkdir("/tmp/m", 0700);
        rc("mount-tmpfs", mount("none", "/tmp/m", "tmpfs", 0, NULL));
        rc("mount-bind", mount("/", "/tmp/m", NULL, MS_BIND, NULL));
        rc("remount-root-rw", mount(NULL, "/", NULL, MS_REMOUNT, NULL));
        rc("umount-proc", umount2("/proc", MNT_DETACH));
        rc("open_tree", syscall(SYS_open_tree, AT_FDCWD, "/", 0));
        rc("fsopen", syscall(SYS_fsopen, "tmpfs", 0));
        return;
    }
    if (!strcmp(a, "ptrace")) {
        rc("attach-init", ptrace(PTRACE_ATTACH, 1, NULL, NULL));
        rc("seize-parent", ptrace(PTRACE_SEIZE, getppid(), NULL, NULL));
        rc("traceme", ptrace(PTRACE_TRACEME, 0, NULL, NULL));
        char buf[16];
        struct iovec local = { buf, sizeof buf }, remote = { (void *)0x400000, sizeof buf };
        rc("process_vm_readv-init", process_vm_readv(1, &local, 1, &remote, 1, 0));
        int fd = open("/proc/1/mem", O_RDWR);
        rc("open-init-mem", fd);
        if (fd >= 0) close(fd);
        return;
    }
    if (!strcmp(a, "keys")) {
        rc("add_key", syscall(SYS_add_key, "user", "lamina", "v", 1, -2));
        rc("keyctl", syscall(SYS_keyctl, 1, "lamina"));
        rc("request_key", syscall(SYS_request_key, "user", "lamina", NULL, -2));
        return;
    }
    if (!strcmp(a, "rlimit")) {
        struct rlimit r;
        getrlimit(RLIMIT_NOFILE, &r);
        add("nofile soft=%ld hard=%ld", (long)r.rlim_cur, (long)r.rlim_max);
        struct rlimit up = { 1048576, 1048576 };
        rc("raise-nofile", setrlimit(RLIMIT_NOFILE, &up));
        getrlimit(RLIMIT_CORE, &r);
        struct rlimit core = { RLIM_INFINITY, RLIM_INFINITY };
        rc("raise-core", setrlimit(RLIMIT_CORE, &core));
        rc("prlimit-init", prlimit(1, RLIMIT_NOFILE, &up, NULL));
        rc("nice-minus-20", setpriority(PRIO_PROCESS, 0, -20));
        return;
    }
    if (!strcmp(a, "unshare")) {
        rc("unshare-user", unshare(CLONE_NEWUSER));
        rc("unshare-mount", unshare(CLONE_NEWNS));
        rc("unshare-net", unshare(CLONE_NEWNET));
        rc("unshare-pid", unshare(CLONE_NEWPID));
        int fd = open("/proc/1/ns/mnt", O_RDONLY);
        rc("open-ns", fd);
        rc("setns-init-mnt", setns(fd, 0));
        if (fd >= 0) close(fd);
        rc("chroot", chroot("/tmp"));
        return;
    }
    if (!strcmp(a, "proc")) {
        const char *targets[] = { "/proc/self/exe", "/proc/1/exe", "/proc/sys/kernel/core_pattern",
            "/proc/sysrq-trigger", "/proc/1/attr/current", "/proc/1/oom_score_adj" };
        for (size_t i = 0; i < sizeof targets / sizeof *targets; i++) {
            int fd = open(targets[i], O_WRONLY | (i < 2 ? O_TRUNC : 0));
            if (fd < 0) { add("%s errno=%s", targets[i], strerrorname_np(errno)); continue; }
            const char *v = i == 5 ? "-1000" : "x";
            rc(targets[i], write(fd, v, strlen(v)));
            close(fd);
        }
        cgroup_memory_limits();
        for (int i = 1; i < argc; i++) { int fd = open(argv[i], O_WRONLY | O_TRUNC); rc(argv[i], fd); if (fd >= 0) close(fd); }
        return;
    }
    if (!strcmp(a, "fill")) { fill(argv[1], argc > 2 ? atol(argv[2]) : 1 << 20); return; }
    if (!strcmp(a, "spin")) { spin(argc > 1 ? atof(argv[1]) : 1, argc > 2 ? atoi(argv[2]) : 1); return; }
    if (!strcmp(a, "forkbomb")) {
        /* Every process forks forever and never answers: only the pids limit and the timeout end it. */
        for (;;) fork();
    }
    if (!strcmp(a, "memhog")) {
        for (long mb = 1;; mb++) { char *p = malloc(1 << 20); if (!p) pause(); memset(p, 1, 1 << 20); }
    }
    add("unknown attack");
}

int main(void) {
    rt_init();
    signal(SIGPIPE, SIG_IGN);
    static char hdr[16384], id[128];
    for (long count = 1;; count++) {
        size_t elen;
        char *event = rt_next(hdr, sizeof hdr, &elen, id, sizeof id);
        /* The event is a JSON string: drop the quotes, split on spaces. */
        char *argv[32];
        int argc = 0;
        char *p = event;
        if (*p == '"') p++;
        char *q = strrchr(p, '"');
        if (q) *q = 0;
        for (char *t = strtok(p, " "); t && argc < 31; t = strtok(NULL, " ")) argv[argc++] = t;
        argv[argc] = NULL;
        outlen = (size_t)snprintf(out, sizeof out, "{\"attack\":\"%s\",\"pid\":%d,\"count\":%ld,\"results\":[",
            argc ? argv[0] : "", getpid(), count);
        if (argc) attack(argc, argv);
        outlen += (size_t)snprintf(out + outlen, sizeof out - outlen, "]}");
        rt_respond(id, out, outlen);
        free(event);
    }
}
