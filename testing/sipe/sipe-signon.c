/*
 * sipe-signon: a headless libpurple client that signs a pidgin-sipe (prpl-sipe) account on and exits.
 *   exit 0  the account signed on ("signed-on" fired)
 *   exit 1  "connection-error" (the reason is printed), or the account was disabled
 *   exit 2  bad arguments / libpurple or prpl-sipe not available
 *   exit 3  timeout
 * The SIP server's and web services' certificates are checked by libpurple's own verifier
 * ("x509, tls_cached"); the CA directory given with --ca-dir is added with
 * purple_certificate_add_ca_search_path() and no prompt is ever accepted: a certificate libpurple
 * cannot verify fails the sign-in.
 * Usage: sipe-signon --user 'demo@ocauth.test,OCAUTH\demo' --password P --server 127.0.0.1:5061
 *                    --ca-dir DIR --home DIR [--auth tls-dsk] [--timeout 90]
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <purple.h>

#define UI_ID "ocauth-sipe-signon"

static GMainLoop *loop;
static int exit_code = 3;

/* --- GLib event loop for libpurple (as libpurple's nullclient example does it) --- */
#define READ_COND (G_IO_IN | G_IO_HUP | G_IO_ERR)
#define WRITE_COND (G_IO_OUT | G_IO_HUP | G_IO_ERR | G_IO_NVAL)
typedef struct {
	PurpleInputFunction function;
	guint result;
	gpointer data;
} IoClosure;

static gboolean io_invoke(GIOChannel *source, GIOCondition condition, gpointer data)
{
	IoClosure *c = data;
	int cond = 0;
	if (condition & READ_COND) cond |= PURPLE_INPUT_READ;
	if (condition & WRITE_COND) cond |= PURPLE_INPUT_WRITE;
	c->function(c->data, g_io_channel_unix_get_fd(source), cond);
	return TRUE;
}

static guint input_add(gint fd, PurpleInputCondition condition, PurpleInputFunction function, gpointer data)
{
	IoClosure *c = g_new0(IoClosure, 1);
	GIOCondition cond = 0;
	GIOChannel *ch;
	c->function = function;
	c->data = data;
	if (condition & PURPLE_INPUT_READ) cond |= READ_COND;
	if (condition & PURPLE_INPUT_WRITE) cond |= WRITE_COND;
	ch = g_io_channel_unix_new(fd);
	c->result = g_io_add_watch_full(ch, G_PRIORITY_DEFAULT, cond, io_invoke, c, g_free);
	g_io_channel_unref(ch);
	return c->result;
}

static PurpleEventLoopUiOps loop_ops = {
	g_timeout_add, g_source_remove, input_add, g_source_remove, NULL, g_timeout_add_seconds, NULL, NULL, NULL,
};

/* --- Requests: never accept anything on the user's behalf --- */
static void *request_action(const char *title, const char *primary, const char *secondary, int default_action,
			    PurpleAccount *account, const char *who, PurpleConversation *conv, void *user_data,
			    size_t action_count, va_list actions)
{
	size_t i;
	GCallback reject = NULL;
	(void)default_action; (void)account; (void)who; (void)conv;
	fprintf(stderr, "sipe-signon: REQUEST refused: %s | %s | %s\n", title ? title : "", primary ? primary : "", secondary ? secondary : "");
	for (i = 0; i < action_count; i++) {
		const char *text = va_arg(actions, const char *);
		GCallback cb = va_arg(actions, GCallback);
		/* certificate prompts are Accept/Reject (or View): take the refusing action */
		if (text && (strstr(text, "Reject") || strstr(text, "Cancel"))) reject = cb;
	}
	if (reject) ((void (*)(void *, int))reject)(user_data, 0);
	return NULL;
}

static void *request_input(const char *title, const char *primary, const char *secondary, const char *default_value,
			   gboolean multiline, gboolean masked, gchar *hint, const char *ok_text, GCallback ok_cb,
			   const char *cancel_text, GCallback cancel_cb, PurpleAccount *account, const char *who,
			   PurpleConversation *conv, void *user_data)
{
	(void)default_value; (void)multiline; (void)masked; (void)hint; (void)ok_text; (void)ok_cb; (void)cancel_text;
	(void)account; (void)who; (void)conv;
	fprintf(stderr, "sipe-signon: INPUT request refused: %s | %s | %s\n", title ? title : "", primary ? primary : "", secondary ? secondary : "");
	if (cancel_cb) ((void (*)(void *, const char *))cancel_cb)(user_data, NULL);
	return NULL;
}

static void *request_fields(const char *title, const char *primary, const char *secondary, PurpleRequestFields *fields,
			    const char *ok_text, GCallback ok_cb, const char *cancel_text, GCallback cancel_cb,
			    PurpleAccount *account, const char *who, PurpleConversation *conv, void *user_data)
{
	(void)fields; (void)ok_text; (void)ok_cb; (void)cancel_text; (void)account; (void)who; (void)conv;
	fprintf(stderr, "sipe-signon: FIELDS request refused: %s | %s | %s\n", title ? title : "", primary ? primary : "", secondary ? secondary : "");
	if (cancel_cb) ((void (*)(void *, PurpleRequestFields *))cancel_cb)(user_data, fields);
	return NULL;
}

static PurpleRequestUiOps request_ops = {
	request_input, NULL, request_action, request_fields, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

/* --- Signals --- */
static void signed_on(PurpleConnection *gc, gpointer data)
{
	(void)data;
	fprintf(stderr, "sipe-signon: SIGNED ON as %s\n", purple_account_get_username(purple_connection_get_account(gc)));
	printf("SIGNED-ON\n");
	fflush(stdout);
	exit_code = 0;
	g_main_loop_quit(loop);
}

static void connection_error(PurpleConnection *gc, PurpleConnectionError err, const gchar *desc, gpointer data)
{
	(void)gc; (void)data;
	fprintf(stderr, "sipe-signon: CONNECTION ERROR %d: %s\n", (int)err, desc ? desc : "");
	printf("CONNECTION-ERROR %d %s\n", (int)err, desc ? desc : "");
	fflush(stdout);
	if (exit_code != 0) exit_code = 1;
	g_main_loop_quit(loop);
}

static gboolean on_timeout(gpointer data)
{
	(void)data;
	fprintf(stderr, "sipe-signon: TIMEOUT\n");
	printf("TIMEOUT\n");
	fflush(stdout);
	exit_code = 3;
	g_main_loop_quit(loop);
	return FALSE;
}

static PurpleCoreUiOps core_ops = { NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL };

int main(int argc, char **argv)
{
	const char *user = NULL, *password = NULL, *server = NULL, *ca_dir = NULL, *home = NULL, *auth = "tls-dsk";
	int timeout = 90, i;
	PurpleAccount *account;
	static int handle;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--user")) user = argv[i + 1];
		else if (!strcmp(argv[i], "--password")) password = argv[i + 1];
		else if (!strcmp(argv[i], "--server")) server = argv[i + 1];
		else if (!strcmp(argv[i], "--ca-dir")) ca_dir = argv[i + 1];
		else if (!strcmp(argv[i], "--home")) home = argv[i + 1];
		else if (!strcmp(argv[i], "--auth")) auth = argv[i + 1];
		else if (!strcmp(argv[i], "--timeout")) timeout = atoi(argv[i + 1]);
		else { fprintf(stderr, "sipe-signon: unknown option %s\n", argv[i]); return 2; }
	}
	if (i != argc || !user || !password || !server || !ca_dir || !home || timeout <= 0) {
		fprintf(stderr, "usage: sipe-signon --user U --password P --server HOST:PORT --ca-dir DIR --home DIR [--auth tls-dsk|ntlm|auto] [--timeout S]\n");
		return 2;
	}

	/* A private libpurple home: no user's accounts, prefs or cached certificates are read. */
	purple_util_set_user_dir(home);
	purple_debug_set_enabled(TRUE);
	purple_core_set_ui_ops(&core_ops);
	purple_eventloop_set_ui_ops(&loop_ops);
	purple_request_set_ui_ops(&request_ops);
	if (!purple_core_init(UI_ID)) {
		fprintf(stderr, "sipe-signon: libpurple failed to initialize\n");
		return 2;
	}
	purple_set_blist(purple_blist_new());
	purple_blist_load();
	purple_prefs_load();
	purple_plugins_load_saved("/purple/nullclient/plugins/saved");
	purple_certificate_add_ca_search_path(ca_dir);
	if (!purple_find_prpl("prpl-sipe")) {
		fprintf(stderr, "sipe-signon: protocol plugin prpl-sipe (pidgin-sipe) not found\n");
		return 2;
	}

	account = purple_account_new(user, "prpl-sipe");
	purple_account_set_password(account, password);
	purple_account_set_string(account, "server", server);
	purple_account_set_string(account, "transport", "tls");
	purple_account_set_string(account, "authentication", auth);
	purple_account_set_remember_password(account, FALSE);
	purple_accounts_add(account);

	purple_signal_connect(purple_connections_get_handle(), "signed-on", &handle, PURPLE_CALLBACK(signed_on), NULL);
	purple_signal_connect(purple_connections_get_handle(), "connection-error", &handle, PURPLE_CALLBACK(connection_error), NULL);

	loop = g_main_loop_new(NULL, FALSE);
	g_timeout_add_seconds(timeout, on_timeout, NULL);
	purple_savedstatus_activate(purple_savedstatus_new(NULL, PURPLE_STATUS_AVAILABLE));
	purple_account_set_enabled(account, UI_ID, TRUE);
	g_main_loop_run(loop);
	fprintf(stderr, "sipe-signon: exit %d\n", exit_code);
	/* Skip purple_core_quit(): prpl-sipe may still have transfers in flight; the process ends here. */
	fflush(stdout);
	fflush(stderr);
	_exit(exit_code);
}
