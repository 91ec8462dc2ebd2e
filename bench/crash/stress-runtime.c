/* The crash and soak harnesses' function: a static Lambda custom runtime (Runtime API 2018-06-01 over
 * HTTP/1.1 to $AWS_LAMBDA_RUNTIME_API). The event selects the behaviour:
 *   {"record":"ID"}  creates /tmp/ran-ID-TOKEN-N (TOKEN: random per runtime process, N: its invoke count;
 *                    the harness reads it through /proc/PID/root after a SIGKILL of the server) and prints
 *                    "RAN ID TOKEN-N" (the function's log), then answers as below
 *   {"sleep":S}      sleeps S seconds (past the function's timeout: Sandbox.Timedout)
 *   {"crash":1}      exits 3 mid-invoke (Runtime.ExitError)
 *   {"oom":1}        allocates and touches memory until the cgroup's limit kills it
 *   anything else    answers {"echo":EVENT,"pid":P,"count":N[,"variant":V]}
 * Built with -DVARIANT='"v2"' it adds "variant":"v2" to each answer (a second image). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#ifdef VARIANT
#define VARIANT_FIELD ",\"variant\":\"" VARIANT "\""
#else
#define VARIANT_FIELD ""
#endif

static char api_host[64], api[128];
static int api_port;

static int connect_api(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)api_port);
    inet_pton(AF_INET, api_host, &sa.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) { perror("stress-runtime: connect"); exit(70); }
    return fd;
}

static void send_all(int fd, const char *p, size_t n) {
    for (ssize_t w; n > 0; p += w, n -= (size_t)w)
        if ((w = write(fd, p, n)) <= 0) exit(71);
}

/* One request per connection (Connection: close): returns the body, fills head with the headers. */
static char *roundtrip(const char *req, size_t len, char *head, size_t cap, size_t *out_len) {
    int fd = connect_api();
    send_all(fd, req, len);
    size_t n = 0;
    while (n < 4 || memcmp(head + n - 4, "\r\n\r\n", 4) != 0) {
        if (n + 1 >= cap || read(fd, head + n, 1) != 1) exit(72);
        head[++n] = 0;
    }
    size_t want = 0;
    for (const char *p = head; (p = strchr(p, '\n')) != NULL; p++)
        if (strncasecmp(p + 1, "content-length:", 15) == 0) want = strtoul(p + 16, NULL, 10);
    char *body = malloc(want + 1);
    size_t got = 0;
    for (ssize_t r; got < want; got += (size_t)r)
        if ((r = read(fd, body + got, want - got)) <= 0) exit(74);
    body[got] = 0;
    close(fd);
    *out_len = got;
    return body;
}

static void header_value(const char *head, const char *name, char *out, size_t cap) {
    size_t nl = strlen(name), i = 0;
    out[0] = 0;
    for (const char *p = head; (p = strchr(p, '\n')) != NULL; p++) {
        if (strncasecmp(p + 1, name, nl) != 0 || p[1 + nl] != ':') continue;
        const char *v = p + 2 + nl;
        while (*v == ' ') v++;
        while (v[i] && v[i] != '\r' && i + 1 < cap) { out[i] = v[i]; i++; }
        out[i] = 0;
        return;
    }
}

/* The string value of "key":"..." in a flat JSON event (ids are [A-Za-z0-9-] by the harness's choice). */
static int string_member(const char *json, const char *key, char *out, size_t cap) {
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(json, pat);
    if (!p) return 0;
    p += strlen(pat);
    while (*p == ' ') p++;
    if (*p++ != '"') return 0;
    size_t i = 0;
    while (p[i] && p[i] != '"' && i + 1 < cap) { out[i] = p[i]; i++; }
    out[i] = 0;
    return 1;
}

int main(void) {
    const char *env = getenv("AWS_LAMBDA_RUNTIME_API");
    if (!env || !strchr(env, ':') || strlen(env) >= sizeof api) { fprintf(stderr, "AWS_LAMBDA_RUNTIME_API missing\n"); return 64; }
    strcpy(api, env);
    snprintf(api_host, sizeof api_host, "%.*s", (int)(strchr(api, ':') - api), api);
    api_port = atoi(strchr(api, ':') + 1);
    if (strcmp(api_host, "localhost") == 0) strcpy(api_host, "127.0.0.1");
    static char head[16384], req[512], id[128], rec[96];
    unsigned token = 0;
    if (getrandom(&token, sizeof token, 0) != sizeof token) token = (unsigned)getpid() * 2654435761u;
    for (long count = 1;; count++) {
        int rl = snprintf(req, sizeof req, "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", api);
        size_t elen;
        char *event = roundtrip(req, (size_t)rl, head, sizeof head, &elen);
        header_value(head, "Lambda-Runtime-Aws-Request-Id", id, sizeof id);
        if (string_member(event, "record", rec, sizeof rec)) {
            char path[256];
            snprintf(path, sizeof path, "/tmp/ran-%s-%08x-%ld", rec, token, count);
            FILE *f = fopen(path, "w");
            if (f) fclose(f);
            printf("RAN %s %08x-%ld\n", rec, token, count);
            fflush(stdout);
        }
        const char *s = strstr(event, "\"sleep\":");
        if (s) sleep((unsigned)atoi(s + 8));
        if (strstr(event, "\"crash\":")) { fprintf(stderr, "stress-runtime: crashing on request\n"); exit(3); }
        if (strstr(event, "\"oom\":")) {
            for (;;) { char *m = malloc(16 << 20); if (m) memset(m, 1, 16 << 20); }
        }
        size_t cap = elen + 192;
        char *out = malloc(cap);
        int ol = snprintf(out, cap, "{\"echo\":%s,\"pid\":%d,\"count\":%ld" VARIANT_FIELD "}", elen ? event : "null", getpid(), count);
        char *post = malloc((size_t)ol + 512);
        int pl = snprintf(post, (size_t)ol + 512,
            "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n"
            "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", id, api, ol, out);
        size_t ignored;
        free(roundtrip(post, (size_t)pl, head, sizeof head, &ignored));
        free(post); free(out); free(event);
    }
}
