/* A minimal Lambda custom runtime, statically linked: speaks the Runtime API (2018-06-01) over
 * HTTP/1.1 to $AWS_LAMBDA_RUNTIME_API. Answers {"echo":<event>,"pid":P,"count":N} so tests can see
 * warm reuse (same pid, growing count). An event containing "crash" exits 3; one containing
 * "hang" sleeps past any timeout; "wait" answers only once /tmp/release exists (the host writes it through
 * /proc/PID/root), so a test can hold an environment busy for as long as it needs.
 * Built with -DVARIANT='"v2"' it adds "variant":"v2" to each answer (a second image with other code). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#ifdef VARIANT
#define VARIANT_FIELD ",\"variant\":\"" VARIANT "\""
#else
#define VARIANT_FIELD ""
#endif

static char host[64];
static int port;

static int dial(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    inet_pton(AF_INET, host, &a.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { perror("connect"); exit(70); }
    return fd;
}

static void write_all(int fd, const char *p, size_t n) {
    while (n > 0) { ssize_t w = write(fd, p, n); if (w <= 0) exit(71); p += w; n -= (size_t)w; }
}

/* Reads one response: headers into hdr, body (Content-Length) into a malloc'd buffer. */
static char *exchange(const char *request, size_t len, char *hdr, size_t hdrcap, size_t *bodylen) {
    int fd = dial();
    write_all(fd, request, len);
    size_t n = 0;
    char *end = NULL;
    while (!end) {
        if (n + 1 >= hdrcap) exit(72);
        ssize_t r = read(fd, hdr + n, 1);
        if (r <= 0) exit(73);
        n += (size_t)r;
        hdr[n] = 0;
        end = strstr(hdr, "\r\n\r\n");
    }
    size_t clen = 0;
    for (char *p = hdr; (p = strchr(p, '\n')) != NULL; p++)
        if (strncasecmp(p + 1, "content-length:", 15) == 0) clen = strtoul(p + 16, NULL, 10);
    char *body = malloc(clen + 1);
    size_t got = 0;
    while (got < clen) { ssize_t r = read(fd, body + got, clen - got); if (r <= 0) exit(74); got += (size_t)r; }
    body[got] = 0;
    close(fd);
    *bodylen = got;
    return body;
}

static void header(const char *hdr, const char *name, char *out, size_t cap) {
    out[0] = 0;
    for (const char *p = hdr; (p = strchr(p, '\n')) != NULL; p++) {
        if (strncasecmp(p + 1, name, strlen(name)) == 0 && p[1 + strlen(name)] == ':') {
            const char *v = p + 2 + strlen(name);
            while (*v == ' ') v++;
            size_t i = 0;
            while (v[i] && v[i] != '\r' && i + 1 < cap) { out[i] = v[i]; i++; }
            out[i] = 0;
            return;
        }
    }
}

/* Answers in streaming mode (Lambda-Runtime-Function-Response-Mode: streaming, chunked): "part1;" first, then
 * (for "streamwait") waits for /tmp/release, then "part2;" and "part3"; "streamfail" ends with the error trailers;
 * "prelude" first writes a function URL's HTTP prelude (JSON, then 8 NUL bytes). */
static void stream_answer(const char *api, const char *id, const char *event) {
    static char hdr[4096], buf[1024];
    int fd = dial();
    int n = snprintf(buf, sizeof buf,
        "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n"
        "Lambda-Runtime-Function-Response-Mode: streaming\r\nTransfer-Encoding: chunked\r\n"
        "Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n\r\n", id, api);
    write_all(fd, buf, (size_t)n);
    if (strstr(event, "prelude")) {
        static const char prelude[] = "{\"statusCode\":202,\"headers\":{\"x-streamed\":\"yes\"},\"cookies\":[\"s=1\"]}";
        n = snprintf(buf, sizeof buf, "%zx\r\n%s", sizeof prelude - 1 + 8, prelude);
        write_all(fd, buf, (size_t)n);
        write_all(fd, "\0\0\0\0\0\0\0\0\r\n", 10);
    }
    write_all(fd, "6\r\npart1;\r\n", 11);
    if (strstr(event, "streamwait")) while (access("/tmp/release", F_OK) != 0) usleep(10000);
    write_all(fd, "6\r\npart2;\r\n5\r\npart3\r\n", 21);
    if (strstr(event, "streamfail")) {
        /* base64 of {"errorType":"Function.Broke","errorMessage":"broke midway"} */
        n = snprintf(buf, sizeof buf, "0\r\nLambda-Runtime-Function-Error-Type: Function.Broke\r\n"
            "Lambda-Runtime-Function-Error-Body: eyJlcnJvclR5cGUiOiJGdW5jdGlvbi5Ccm9rZSIsImVycm9yTWVzc2FnZSI6ImJyb2tlIG1pZHdheSJ9\r\n\r\n");
        write_all(fd, buf, (size_t)n);
    } else {
        write_all(fd, "0\r\n\r\n", 5);
    }
    while (read(fd, hdr, sizeof hdr) > 0) {}
    close(fd);
}

int main(void) {
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api || !strchr(api, ':')) { fprintf(stderr, "AWS_LAMBDA_RUNTIME_API missing\n"); return 64; }
    snprintf(host, sizeof host, "%.*s", (int)(strchr(api, ':') - api), api);
    port = atoi(strchr(api, ':') + 1);
    if (strcmp(host, "localhost") == 0) strcpy(host, "127.0.0.1");
    fprintf(stderr, "echo-runtime: pid %d ready\n", getpid());
    static char hdr[16384], req[512], id[128];
    for (long count = 1;; count++) {
        int rl = snprintf(req, sizeof req, "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", api);
        size_t elen;
        char *event = exchange(req, (size_t)rl, hdr, sizeof hdr, &elen);
        header(hdr, "Lambda-Runtime-Aws-Request-Id", id, sizeof id);
        if (strstr(event, "stream")) { stream_answer(api, id, event); free(event); continue; }
        if (strstr(event, "structured")) {
            static const char reply[] = "{\"statusCode\":201,\"headers\":{\"x-custom\":\"yes\",\"content-type\":\"text/plain\"},"
                "\"cookies\":[\"a=1\",\"b=2\"],\"body\":\"aGk=\",\"isBase64Encoded\":true}";
            static char rbuf[1024];
            int pl = snprintf(rbuf, sizeof rbuf, "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n"
                "Content-Length: %zu\r\n\r\n%s", id, api, sizeof reply - 1, reply);
            size_t ignored;
            free(exchange(rbuf, (size_t)pl, hdr, sizeof hdr, &ignored));
            free(event);
            continue;
        }
        if (strstr(event, "crash")) { fprintf(stderr, "echo-runtime: crashing on request\n"); exit(3); }
        if (strstr(event, "hang")) sleep(3600);
        if (strstr(event, "wait")) while (access("/tmp/release", F_OK) != 0) usleep(10000);
        size_t cap = elen + 192;
        char *out = malloc(cap);
        int ol = snprintf(out, cap, "{\"echo\":%s,\"pid\":%d,\"count\":%ld" VARIANT_FIELD "}", elen ? event : "null", getpid(), count);
        char *post = malloc((size_t)ol + 512);
        int pl = snprintf(post, (size_t)ol + 512,
            "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n"
            "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", id, api, ol, out);
        size_t ignored;
        free(exchange(post, (size_t)pl, hdr, sizeof hdr, &ignored));
        free(post); free(out); free(event);
    }
}
