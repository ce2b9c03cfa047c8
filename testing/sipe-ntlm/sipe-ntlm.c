/*
 * sipe-ntlm: drive pidgin-sipe's own NTLM security context (libsipe.so, the real client code) over
 * stdin/stdout, so a test can put SIPE's NEGOTIATE/AUTHENTICATE messages on the wire to ocauth-server.
 * Written for ocauth against the sip-sec API that libsipe.so 1.25 exports; no SIPE code is copied.
 *
 *   sipe-ntlm TYPE USER PASSWORD TARGET
 *     TYPE 2 = NTLM, 4 = Negotiate (Kerberos first, falls back to SIPE's NTLM)
 *     USER as typed in the account settings: DOMAIN\user (SIPE splits it) or user@domain
 *   prints the first token (base64) on a line; then for each challenge line read from stdin prints the
 *   next token, or a line starting with FAILED when SIPE refuses the challenge.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

typedef struct sip_sec_context *SipSecContext;
extern void sip_sec_init(void);
/* SIPE 1.25: the user name carries the domain (DOMAIN\user); there is no separate domain argument. */
extern SipSecContext sip_sec_create_context(guint type, gboolean sso, gboolean http, const gchar *username, const gchar *password);
extern gboolean sip_sec_init_context_step(SipSecContext context, const gchar *target, const gchar *input_toked_base64, gchar **output_toked_base64, guint *expires);
/* libsipe's NSS crypto backend needs NSS initialised, as libpurple's NSS SSL plugin does in the real client. */
extern int NSS_NoDB_Init(const char *configdir);

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: sipe-ntlm TYPE USER PASSWORD TARGET\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (NSS_NoDB_Init(NULL) != 0) {
    printf("FAILED NSS_NoDB_Init\n");
    return 1;
  }
  sip_sec_init();
  SipSecContext ctx = sip_sec_create_context((guint)atoi(argv[1]), FALSE, TRUE, argv[2], argv[3]);
  if (!ctx) {
    printf("FAILED create\n");
    return 1;
  }
  gchar *out = NULL;
  guint expires = 0;
  if (!sip_sec_init_context_step(ctx, argv[4], NULL, &out, &expires) || !out) {
    printf("FAILED first\n");
    return 1;
  }
  printf("%s\n", out);
  g_free(out);
  char line[65536];
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\r\n")] = 0;
    out = NULL;
    if (!sip_sec_init_context_step(ctx, argv[4], line, &out, &expires) || !out) {
      printf("FAILED step\n");
      return 1;
    }
    printf("%s\n", out);
    g_free(out);
  }
  return 0;
}
