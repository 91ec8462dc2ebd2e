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
#include <sys/random.h>

/* tests/Lamina.Environments.Tests/Fixtures/runtime-api.h (lamina_bench.py passes -I). */
#include "runtime-api.h"

#ifdef VARIANT
#define VARIANT_FIELD ",\"variant\":\"" VARIANT "\""
#else
#define VARIANT_FIELD ""
#endif

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
    rt_init();
    static char head[16384], id[128], rec[96];
    unsigned token = 0;
    if (getrandom(&token, sizeof token, 0) != sizeof token) token = (unsigned)getpid() * 2654435761u;
    for (long count = 1;; count++) {
        size_t elen;
        char *event = rt_next(head, sizeof head, &elen, id, sizeof id);
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
        rt_respond(id, out, (size_t)ol);
        free(out); free(event);
    }
}
