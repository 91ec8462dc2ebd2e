/* runtime-api.h: the Lambda Runtime API (2018-06-01) client shared by the static C runtimes of the tests and
 * benchmarks (echo-runtime.c, tests/Lamina.Hostile.Tests/Fixtures/hostile-runtime.c,
 * bench/crash/stress-runtime.c). Header-only: each runtime is one gcc -static call, and the header sits next to
 * echo-runtime.c (the test projects copy it into their output's Fixtures/; others pass -I).
 *
 * HTTP/1.1 to $AWS_LAMBDA_RUNTIME_API over one persistent connection, as AWS's runtime interface clients keep
 * (a connection per call made the kernel's TCP set-up and teardown most of a warm invoke's sandbox CPU), with
 * Content-Length bodies read exactly. The connection is dialled again when the server closed it (a
 * "Connection: close" answer, or end of stream before the first byte of an answer on a reused connection: the
 * request is then sent once more on the new one). Any other transport failure exits the process (70-74): the
 * agent then reports Runtime.ExitError, which is what a test should see if the Runtime API misbehaves. */
#ifndef LAMINA_RUNTIME_API_H
#define LAMINA_RUNTIME_API_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static char rt_api[128];  /* "host:port" as given, for Host headers */
static char rt_host[64];  /* dotted IPv4 ("localhost" mapped to 127.0.0.1) */
static int rt_port;
static int rt_fd = -1;     /* the persistent connection, -1 when none is open */
static char rt_buf[8192];  /* bytes read from rt_fd and not yet consumed: rt_buf[rt_pos..rt_end) */
static size_t rt_pos, rt_end;

/* Reads AWS_LAMBDA_RUNTIME_API; exits 64 when it is missing or malformed. */
static inline void rt_init(void) {
    const char *env = getenv("AWS_LAMBDA_RUNTIME_API");
    if (!env || !strchr(env, ':') || strlen(env) >= sizeof rt_api) { fprintf(stderr, "AWS_LAMBDA_RUNTIME_API missing\n"); exit(64); }
    strcpy(rt_api, env);
    snprintf(rt_host, sizeof rt_host, "%.*s", (int)(strchr(rt_api, ':') - rt_api), rt_api);
    rt_port = atoi(strchr(rt_api, ':') + 1);
    if (strcmp(rt_host, "localhost") == 0) strcpy(rt_host, "127.0.0.1");
}

/* A new TCP connection to the Runtime API. */
static inline int rt_dial(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)rt_port);
    inet_pton(AF_INET, rt_host, &a.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { perror("runtime-api: connect"); exit(70); }
    return fd;
}

/* MSG_NOSIGNAL: a peer that closed the connection is an error value here, not a SIGPIPE death. */
static inline int rt_send_all(int fd, const char *p, size_t n) {
    for (ssize_t w; n > 0; p += w, n -= (size_t)w)
        if ((w = send(fd, p, n, MSG_NOSIGNAL)) <= 0) return -1;
    return 0;
}

static inline void rt_write_all(int fd, const char *p, size_t n) {
    if (rt_send_all(fd, p, n) != 0) exit(71);
}

/* Closes the persistent connection and drops whatever was buffered from it. */
static inline void rt_hangup(void) {
    if (rt_fd >= 0) close(rt_fd);
    rt_fd = -1;
    rt_pos = rt_end = 0;
}

/* The next byte of the persistent connection, or -1 at end of stream or on an error. */
static inline int rt_getc(void) {
    if (rt_pos == rt_end) {
        ssize_t r = read(rt_fd, rt_buf, sizeof rt_buf);
        if (r <= 0) return -1;
        rt_pos = 0;
        rt_end = (size_t)r;
    }
    return (unsigned char)rt_buf[rt_pos++];
}

/* The value of header name (case-insensitive) in hdr, or "" when absent. */
static inline void rt_header(const char *hdr, const char *name, char *out, size_t cap) {
    size_t nl = strlen(name), i = 0;
    out[0] = 0;
    for (const char *p = hdr; (p = strchr(p, '\n')) != NULL; p++) {
        if (strncasecmp(p + 1, name, nl) != 0 || p[1 + nl] != ':') continue;
        const char *v = p + 2 + nl;
        while (*v == ' ') v++;
        while (v[i] && v[i] != '\r' && i + 1 < cap) { out[i] = v[i]; i++; }
        out[i] = 0;
        return;
    }
}

/* Sends a whole request on the persistent connection, reads the headers into hdr (NUL-terminated) and the
 * Content-Length body into a malloc'd, NUL-terminated buffer the caller frees; *bodylen is its length. */
static inline char *rt_exchange(const char *request, size_t len, char *hdr, size_t hdrcap, size_t *bodylen) {
    size_t n = 0;
    for (int attempt = 0;; attempt++) {
        int reused = rt_fd >= 0;
        if (!reused) rt_fd = rt_dial();
        int c = rt_send_all(rt_fd, request, len) == 0 ? rt_getc() : -1;
        if (c >= 0) { hdr[0] = (char)c; hdr[n = 1] = 0; break; }
        rt_hangup();
        /* Only a reused connection may have been closed by the server while idle; a fresh one failing is fatal. */
        if (!reused || attempt > 0) exit(73);
    }
    while (n < 4 || memcmp(hdr + n - 4, "\r\n\r\n", 4) != 0) {
        if (n + 1 >= hdrcap) exit(72);
        int c = rt_getc();
        if (c < 0) exit(73);
        hdr[n++] = (char)c;
        hdr[n] = 0;
    }
    size_t clen = 0;
    char connection[32];
    for (const char *p = hdr; (p = strchr(p, '\n')) != NULL; p++)
        if (strncasecmp(p + 1, "content-length:", 15) == 0) clen = strtoul(p + 16, NULL, 10);
    char *body = malloc(clen + 1);
    if (!body) exit(74);
    size_t got = 0;
    while (got < clen) {
        if (rt_pos == rt_end) {
            ssize_t r = read(rt_fd, body + got, clen - got);  /* large bodies straight into place */
            if (r <= 0) exit(74);
            got += (size_t)r;
            continue;
        }
        size_t take = rt_end - rt_pos < clen - got ? rt_end - rt_pos : clen - got;
        memcpy(body + got, rt_buf + rt_pos, take);
        rt_pos += take;
        got += take;
    }
    body[got] = 0;
    rt_header(hdr, "Connection", connection, sizeof connection);
    if (strcasecmp(connection, "close") == 0) rt_hangup();
    *bodylen = got;
    return body;
}

/* Blocks for the next event (GET …/invocation/next): returns its body (caller frees), *len its length, and the
 * request id in id. hdr is scratch space for the response headers. */
static inline char *rt_next(char *hdr, size_t hdrcap, size_t *len, char *id, size_t idcap) {
    char req[256];
    int rl = snprintf(req, sizeof req, "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: %s\r\n\r\n", rt_api);
    char *event = rt_exchange(req, (size_t)rl, hdr, hdrcap, len);
    rt_header(hdr, "Lambda-Runtime-Aws-Request-Id", id, idcap);
    return event;
}

/* Posts body (JSON) as the answer to request id (…/invocation/ID/response). */
static inline void rt_respond(const char *id, const char *body, size_t len) {
    static char hdr[4096];
    size_t cap = len + 512;
    char *post = malloc(cap);
    int pl = snprintf(post, cap,
        "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: %s\r\n"
        "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s", id, rt_api, len, body);
    size_t ignored;
    free(rt_exchange(post, (size_t)pl, hdr, sizeof hdr, &ignored));
    free(post);
}

#endif
