/* Unit tests of authentication (auth*.c): the initial admin, users,
 * passwords, the failed-login throttle, tokens, sessions, persistence and
 * concurrent use.  Each test works in its own temporary directory. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "auth_internal.h"
#include "core.h"
#include "err.h"
#include "log.h"
#include "loop.h"
#include "unit_util.h"

#define PW_BOB "bob-secret-Pw1"
#define PW_CAROL "carol-secret-Pw2"

static void pause_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* The initial admin's password, read from its file. */
static void admin_password(const char *dir, char *pw, size_t size)
{
	char *text = unit_read(dir, "initial-admin-password");

	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(strlen(text), 21);
	ck_assert_int_eq(text[20], '\n');
	snprintf(pw, size, "%.20s", text);
	free(text);
}

static unsigned file_mode(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_mode & 07777;
}

static bool file_has(const char *dir, const char *name, const char *what)
{
	char *text = unit_read(dir, name);
	bool found;

	ck_assert_ptr_nonnull(text);
	found = strstr(text, what) != NULL;
	free(text);
	return found;
}

static struct auth *open_ok(const char *dir, unsigned ttl)
{
	struct auth *a;

	ck_assert_int_eq(auth_open(NULL, dir, ttl, &a), 0);
	ck_assert_ptr_nonnull(a);
	return a;
}

static void add_ok(struct auth *a, const char *user, const char *pw,
		   enum auth_role role)
{
	struct mgmtd_err err = { 0 };

	ck_assert_msg(auth_user_add(a, user, pw, role, &err) == 0, "add %s: %s",
		      user, err.count ? err.items[0].message : "?");
}

static void login_ok(struct auth *a, const char *user, const char *pw,
		     enum auth_role role)
{
	struct auth_identity who;

	ck_assert_int_eq(auth_login(a, user, pw, "192.0.2.1", &who), 0);
	ck_assert_str_eq(who.user, user);
	ck_assert_int_eq(who.role, role);
	ck_assert_int_eq(who.method, AUTH_BASIC);
}

static void login_fails(struct auth *a, const char *user, const char *pw,
			const char *source)
{
	struct auth_identity who;

	ck_assert_int_eq(auth_login(a, user, pw, source, &who), -EACCES);
}

/* The entry of list whose key equals value, or NULL. */
static json_t *list_find(json_t *list, const char *key, const char *value)
{
	size_t i;
	json_t *o;

	json_array_foreach(list, i, o) {
		const char *s = json_string_value(json_object_get(o, key));

		if (s && strcmp(s, value) == 0)
			return o;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Initial admin, roles, names                                         */

START_TEST(test_initial_admin)
{
	char *dir = unit_tmpdir(), pw[32], pw2[32], path[PATH_MAX];
	struct auth *a = open_ok(dir, 0);
	json_t *users;

	ck_assert_uint_eq(file_mode(dir, "initial-admin-password"), 0600);
	ck_assert_uint_eq(file_mode(dir, "auth.conf"), 0600);
	admin_password(dir, pw, sizeof(pw));
	for (size_t i = 0; i < 20; i++)
		ck_assert_msg(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
				     "opqrstuvwxyz0123456789", pw[i]) && pw[i],
			      "character %zu", i);
	ck_assert(!file_has(dir, "auth.conf", pw));
	ck_assert(file_has(dir, "auth.conf", "\"$y$") ||
		  file_has(dir, "auth.conf", "\"$6$"));
	login_ok(a, "admin", pw, AUTH_ROLE_ADMIN);
	auth_close(a);

	/* Not created again: the file stays as it was, or gone if the
	 * operator removed it. */
	a = open_ok(dir, 0);
	admin_password(dir, pw2, sizeof(pw2));
	ck_assert_str_eq(pw, pw2);
	login_ok(a, "admin", pw, AUTH_ROLE_ADMIN);
	auth_close(a);
	snprintf(path, sizeof(path), "%s/initial-admin-password", dir);
	ck_assert_int_eq(unlink(path), 0);
	a = open_ok(dir, 0);
	ck_assert(!unit_exists(dir, "initial-admin-password"));
	users = auth_user_list(a);
	ck_assert_uint_eq(json_array_size(users), 1);
	json_decref(users);
	auth_close(a);
	unit_rmdir(dir);
}
END_TEST

START_TEST(test_roles)
{
	enum auth_role r = AUTH_ROLE_NONE;

	ck_assert_int_eq(auth_role_parse("admin", &r), 0);
	ck_assert_int_eq(r, AUTH_ROLE_ADMIN);
	ck_assert_int_eq(auth_role_parse("operator", &r), 0);
	ck_assert_int_eq(r, AUTH_ROLE_OPERATOR);
	ck_assert_int_eq(auth_role_parse("monitor", &r), 0);
	ck_assert_int_eq(r, AUTH_ROLE_MONITOR);
	ck_assert_int_eq(auth_role_parse("none", &r), -EINVAL);
	ck_assert_int_eq(auth_role_parse("Admin", &r), -EINVAL);
	ck_assert_int_eq(auth_role_parse("", &r), -EINVAL);
	ck_assert_int_eq(auth_role_parse(NULL, &r), -EINVAL);
	for (r = AUTH_ROLE_MONITOR; r <= AUTH_ROLE_ADMIN; r++) {
		enum auth_role back;

		ck_assert_int_eq(auth_role_parse(auth_role_name(r), &back), 0);
		ck_assert_int_eq(back, r);
	}
	ck_assert_str_eq(auth_role_name(AUTH_ROLE_NONE), "none");
	ck_assert_str_eq(auth_role_name((enum auth_role)99), "none");
}
END_TEST

START_TEST(test_user_names)
{
	static const char *const good[] = {
		"a", "_", "_x", "bob", "a-b_c9", "z0-",
		"abcdefghijklmnopqrstuvwxyz012345", /* 32 */
	};
	static const char *const bad[] = {
		"", "A", "Bob", "9a", "-a", "a b", "a.b", "a/b", "a:b", "a$",
		"bob\n", "\xc3\xa9t\xc3\xa9",
		"abcdefghijklmnopqrstuvwxyz0123456", /* 33 */
	};
	char *dir = unit_tmpdir();
	struct auth *a = open_ok(dir, 0);
	struct mgmtd_err err = { 0 };

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		ck_assert_msg(auth_name_valid(good[i]), "%s", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		ck_assert_msg(!auth_name_valid(bad[i]), "%s", bad[i]);
	ck_assert(!auth_name_valid(NULL));
	ck_assert_int_eq(auth_user_add(a, "Bob", PW_BOB, AUTH_ROLE_MONITOR,
				       &err), -EINVAL);
	ck_assert_int_eq(err.items[0].code, MGMTD_E_INVALID);
	ck_assert_str_eq(err.items[0].path, "auth.users.name");
	ck_assert_int_eq(auth_user_add(a, NULL, PW_BOB, AUTH_ROLE_MONITOR,
				       NULL), -EINVAL);
	add_ok(a, good[6], PW_BOB, AUTH_ROLE_MONITOR);
	login_ok(a, good[6], PW_BOB, AUTH_ROLE_MONITOR);
	auth_close(a);
	unit_rmdir(dir);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Users                                                               */

START_TEST(test_users)
{
	char *dir = unit_tmpdir(), *text, *dump;
	struct auth *a = open_ok(dir, 0);
	struct mgmtd_err err = { 0 };
	json_t *users, *o;

	add_ok(a, "bob", PW_BOB, AUTH_ROLE_OPERATOR);
	add_ok(a, "carol", PW_CAROL, AUTH_ROLE_MONITOR);
	users = auth_user_list(a);
	ck_assert_uint_eq(json_array_size(users), 3);
	o = list_find(users, "name", "bob");
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(json_string_value(json_object_get(o, "role")),
			 "operator");
	ck_assert(json_integer_value(json_object_get(o, "created")) >
		  1600000000);
	ck_assert_uint_eq(json_object_size(o), 3); /* name, role, created */
	dump = json_dumps(users, 0);
	ck_assert_ptr_null(strstr(dump, "$y$"));
	ck_assert_ptr_null(strstr(dump, "$6$"));
	ck_assert_ptr_null(strstr(dump, "hash"));
	free(dump);
	json_decref(users);

	text = unit_read(dir, "auth.conf");
	ck_assert_ptr_null(strstr(text, PW_BOB));
	ck_assert_ptr_null(strstr(text, PW_CAROL));
	ck_assert_ptr_nonnull(strstr(text, "\"carol\""));
	free(text);

	login_ok(a, "bob", PW_BOB, AUTH_ROLE_OPERATOR);
	login_ok(a, "carol", PW_CAROL, AUTH_ROLE_MONITOR);

	/* Duplicates, bad passwords and roles change nothing. */
	ck_assert_int_eq(auth_user_add(a, "bob", PW_BOB, AUTH_ROLE_ADMIN, &err),
			 -EEXIST);
	ck_assert_int_eq(err.items[0].code, MGMTD_E_CONFLICT);
	err_clear(&err);
	ck_assert_int_eq(auth_user_add(a, "dave", "short", AUTH_ROLE_ADMIN,
				       &err), -EINVAL);
	ck_assert_str_eq(err.items[0].path, "auth.users.password");
	ck_assert_ptr_null(strstr(err.items[0].message, "short"));
	ck_assert_int_eq(auth_user_add(a, "dave", NULL, AUTH_ROLE_ADMIN, NULL),
			 -EINVAL);
	ck_assert_int_eq(auth_user_add(a, "dave", PW_BOB, AUTH_ROLE_NONE, NULL),
			 -EINVAL);
	ck_assert_int_eq(auth_user_add(a, "dave", PW_BOB, (enum auth_role)7,
				       NULL), -EINVAL);
	{
		char longpw[AUTH_PASSWORD_MAX + 2];

		memset(longpw, 'x', sizeof(longpw) - 1);
		longpw[sizeof(longpw) - 1] = '\0';
		ck_assert_int_eq(auth_user_add(a, "dave", longpw,
					       AUTH_ROLE_ADMIN, NULL), -EINVAL);
		longpw[AUTH_PASSWORD_MAX] = '\0';
		add_ok(a, "dave", longpw, AUTH_ROLE_MONITOR);
		login_ok(a, "dave", longpw, AUTH_ROLE_MONITOR);
	}

	/* Passwords and roles change. */
	ck_assert_int_eq(auth_user_set_password(a, "bob", "new-bob-pass", NULL),
			 0);
	login_fails(a, "bob", PW_BOB, "192.0.2.2");
	login_ok(a, "bob", "new-bob-pass", AUTH_ROLE_OPERATOR);
	ck_assert_int_eq(auth_user_set_password(a, "nobody", "new-bob-pass",
						&err), -ENOENT);
	ck_assert_int_eq(auth_user_set_password(a, "bob", "x", NULL), -EINVAL);
	ck_assert_int_eq(auth_user_set_role(a, "bob", AUTH_ROLE_MONITOR, NULL),
			 0);
	login_ok(a, "bob", "new-bob-pass", AUTH_ROLE_MONITOR);
	ck_assert_int_eq(auth_user_set_role(a, "nobody", AUTH_ROLE_MONITOR,
					    NULL), -ENOENT);

	/* Deletion. */
	err_clear(&err);
	ck_assert_int_eq(auth_user_delete(a, "carol", &err), 0);
	ck_assert_uint_eq(err.count, 0);
	login_fails(a, "carol", PW_CAROL, "192.0.2.2");
	ck_assert_int_eq(auth_user_delete(a, "carol", &err), -ENOENT);
	ck_assert_int_eq(err.items[0].code, MGMTD_E_NOT_FOUND);
	users = auth_user_list(a);
	ck_assert_uint_eq(json_array_size(users), 3);
	ck_assert_ptr_null(list_find(users, "name", "carol"));
	json_decref(users);
	ck_assert(!file_has(dir, "auth.conf", "carol"));
	auth_close(a);
	unit_rmdir(dir);
}
END_TEST

START_TEST(test_last_admin)
{
	char *dir = unit_tmpdir();
	struct auth *a = open_ok(dir, 0);
	struct mgmtd_err err = { 0 };

	ck_assert_int_eq(auth_user_delete(a, "admin", &err), -EEXIST);
	ck_assert_int_eq(err.items[0].code, MGMTD_E_CONFLICT);
	ck_assert_int_eq(err_code_http_status(err.items[0].code), 409);
	err_clear(&err);
	ck_assert_int_eq(auth_user_set_role(a, "admin", AUTH_ROLE_OPERATOR,
					    &err), -EEXIST);
	ck_assert_int_eq(err.items[0].code, MGMTD_E_CONFLICT);
	/* Setting the same role is no demotion. */
	ck_assert_int_eq(auth_user_set_role(a, "admin", AUTH_ROLE_ADMIN, NULL),
			 0);

	add_ok(a, "root2", PW_BOB, AUTH_ROLE_ADMIN);
	ck_assert_int_eq(auth_user_set_role(a, "admin", AUTH_ROLE_MONITOR,
					    NULL), 0);
	ck_assert_int_eq(auth_user_delete(a, "root2", NULL), -EEXIST);
	ck_assert_int_eq(auth_user_set_role(a, "root2", AUTH_ROLE_MONITOR,
					    NULL), -EEXIST);
	ck_assert_int_eq(auth_user_delete(a, "admin", NULL), 0);
	login_ok(a, "root2", PW_BOB, AUTH_ROLE_ADMIN);
	auth_close(a);
	unit_rmdir(dir);
}
END_TEST

/* A change whose write fails is undone: auth.conf replaced by a
 * directory makes the rename fail. */
START_TEST(test_write_failure_changes_nothing)
{
	char *dir = unit_tmpdir(), path[PATH_MAX], token[AUTH_TOKEN_LEN],
	     id[32];
	struct auth *a = open_ok(dir, 0);
	struct mgmtd_err err = { 0 };
	json_t *users, *tokens;

	add_ok(a, "bob", PW_BOB, AUTH_ROLE_OPERATOR);
	snprintf(path, sizeof(path), "%s/auth.conf", dir);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_lt(auth_user_add(a, "carol", PW_CAROL, AUTH_ROLE_ADMIN,
				       &err), 0);
	ck_assert_int_eq(err.items[0].code, MGMTD_E_FAILED);
	ck_assert_int_lt(auth_user_delete(a, "bob", NULL), 0);
	ck_assert_int_lt(auth_user_set_role(a, "bob", AUTH_ROLE_ADMIN, NULL), 0);
	ck_assert_int_lt(auth_user_set_password(a, "bob", "other-password",
						NULL), 0);
	ck_assert_int_lt(auth_token_new(a, "bob", "x", token, id, NULL), 0);
	users = auth_user_list(a);
	ck_assert_uint_eq(json_array_size(users), 2);
	ck_assert_str_eq(json_string_value(json_object_get(
				 list_find(users, "name", "bob"), "role")),
			 "operator");
	json_decref(users);
	tokens = auth_token_list(a);
	ck_assert_uint_eq(json_array_size(tokens), 0);
	json_decref(tokens);
	login_ok(a, "bob", PW_BOB, AUTH_ROLE_OPERATOR);
	ck_assert_int_eq(rmdir(path), 0);
	auth_close(a);
	unit_rmdir(dir);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Logins                                                              */

START_TEST(test_wrong_password)
{
	char *dir = unit_tmpdir(), pw[32];
	struct auth *a = open_ok(dir, 0);
	struct auth_identity who;
	long long t0, wrong = 0, unknown = 0;

	admin_password(dir, pw, sizeof(pw));
	login_fails(a, "admin", "not-the-password", "192.0.2.1");
	login_fails(a, "admin", "", "192.0.2.1");
	login_fails(a, "admin", NULL, "192.0.2.1");
	login_fails(a, "nobody", pw, "192.0.2.2");
	login_fails(a, "Admin", pw, "192.0.2.2");
	login_fails(a, NULL, pw, "192.0.2.2");
	ck_assert_int_eq(auth_login(a, "admin", pw, NULL, &who), 0);

	/* An unknown user costs a hash too: about as long as a wrong
	 * password, surely not a small fraction of it. */
	for (int i = 0; i < 2; i++) {
		t0 = loop_now_ms();
		login_fails(a, "admin", "wrong-password", "192.0.2.3");
		wrong += loop_now_ms() - t0;
		t0 = loop_now_ms();
		login_fails(a, "nobody", "wrong-password", "192.0.2.4");
		unknown += loop_now_ms() - t0;
	}
	ck_assert_msg(unknown * 3 >= wrong, "unknown %lld ms, wrong %lld ms",
		      unknown, wrong);
	auth_close(a);
	unit_rmdir(dir);
}
END_TEST

/* Failed logins are events, with the user and the source but never the
 * password.  A core with no plugin collects them through a listener. */
struct events {
	pthread_mutex_t lock;
	char text[4096];
};

static void on_event(void *arg, enum mgmtd_severity sev, const char *plugin,
		     const char *object, const char *message)
{
	struct events *ev = arg;
	size_t len;

	pthread_mutex_lock(&ev->lock);
	len = strlen(ev->text);
	snprintf(ev->text + len, sizeof(ev->text) - len, "%d %s %s %s\n", sev,
		 plugin, object, message);
	pthread_mutex_unlock(&ev->lock);
}

START_TEST(test_failure_events)
{
	char *dir = unit_tmpdir(), state[PATH_MAX];
	struct core *c = unit_core_start(dir, "");
	struct events ev = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct core_listener l = { .on_event = on_event, .arg = &ev };
	struct auth *a;

	ck_assert_int_eq(core_add_listener(c, &l), 0);
	snprintf(state, sizeof(state), "%s/state", dir);
	ck_assert_int_eq(auth_open(c, state, 0, &a), 0);
	add_ok(a, "bob", PW_BOB, AUTH_ROLE_OPERATOR);
	login_fails(a, "bob", "Guess-One-Secret", "198.51.100.7");
	login_fails(a, "Guess-Two-Secret", "Guess-Three", "198.51.100.8");
	login_ok(a, "bob", PW_BOB, AUTH_ROLE_OPERATOR);
	ck_assert_int_eq(auth_bearer(a, "mgmtd_Guess-Four", "198.51.100.9",
				     &(struct auth_identity){ 0 }),
			 -EACCES);
	auth_close(a);
	unit_core_stop(c);

	ck_assert_ptr_nonnull(strstr(ev.text, "4 mgmtd auth failed login for "
					      "user bob from 198.51.100.7\n"));
	ck_assert_ptr_nonnull(strstr(ev.text, "failed login for user (invalid "
					      "name) from 198.51.100.8\n"));
	ck_assert_ptr_nonnull(strstr(ev.text, "4 mgmtd auth failed token "
					      "authentication from "
					      "198.51.100.9\n"));
	ck_assert_ptr_null(strstr(ev.text, "Guess"));
	ck_assert_ptr_null(strstr(ev.text, PW_BOB));
	unit_rmdir(dir);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Throttle                                                            */

static long long timed_login(struct auth *a, const char *user, const char *pw,
			     const char *source, int expect)
{
	struct auth_identity who;
	long long t0 = loop_now_ms();

	ck_assert_int_eq(auth_login(a, user, pw, source, &who), expect);
	return loop_now_ms() - t0;
}

START_TEST(test_throttle)
{
	char *dir = unit_tmpdir(), pw[32];
	struct auth *a = open_ok(dir, 0);
	const char *A = "203.0.113.1", *B = "203.0.113.2";
	long long ms;

	admin_password(dir, pw, sizeof(pw));
	auth_set_throttle_for_test(a, 100, 400);
	for (int i = 0; i < 5; i++) {
		timed_login(a, "admin", "wrong-password", A, -EACCES);
		ck_assert_int_eq(auth_last_delay_for_test(a), 0);
	}
	/* The sixth waits, and each further one twice as long, up to the
	 * cap. */
	ms = timed_login(a, "admin", "wrong-password", A, -EACCES);
	ck_assert_int_eq(auth_last_delay_for_test(a), 100);
	ck_assert_int_ge(ms, 100);
	timed_login(a, "admin", "wrong-password", A, -EACCES);
	ck_assert_int_eq(auth_last_delay_for_test(a), 200);
	ms = timed_login(a, "admin", "wrong-password", A, -EACCES);
	ck_assert_int_eq(auth_last_delay_for_test(a), 400);
	ck_assert_int_ge(ms, 400);
	timed_login(a, "admin", "wrong-password", A, -EACCES);
	ck_assert_int_eq(auth_last_delay_for_test(a), 400);

	/* Another address does not wait, even for a failure. */
	timed_login(a, "admin", "wrong-password", B, -EACCES);
	ck_assert_int_eq(auth_last_delay_for_test(a), 0);
	timed_login(a, "admin", pw, B, 0);
	ck_assert_int_eq(auth_last_delay_for_test(a), 0);

	/* The right password still works from A, after the wait, and a
	 * success forgets A's failures. */
	ms = timed_login(a, "admin", pw, A, 0);
	ck_assert_int_eq(auth_last_delay_for_test(a), 400);
	ck_assert_int_ge(ms, 400);
	timed_login(a, "admin", "wrong-password", A, -EACCES);
	ck_assert_int_eq(auth_last_delay_for_test(a), 0);
	auth_close(a);
	unit_rmdir(dir);
}
END_TEST

struct login_arg {
	struct auth *a;
	const char *user, *pw, *source;
	int rc;
};

static void *login_thread(void *arg)
{
	struct login_arg *l = arg;
	struct auth_identity who;

	l->rc = auth_login(l->a, l->user, l->pw, l->source, &who);
	return NULL;
}

static bool source_waiting(struct auth *a, const char *addr)
{
	bool w = false;

	pthread_mutex_lock(&a->lock);
	for (size_t i = 0; i < AUTH_MAX_SOURCES; i++)
		if (a->sources[i].count && !strcmp(a->sources[i].addr, addr))
			w = a->sources[i].waiting;
	pthread_mutex_unlock(&a->lock);
	return w;
}

/* While one attempt from a throttled source waits, others from there are
 * refused at once, unchecked, even with the right password. */
START_TEST(test_throttle_one_waiter)
{
	char *dir = unit_tmpdir(), pw[32];
	struct auth *a = open_ok(dir, 0);
	const char *A = "2001:db8::1";
	struct login_arg l = { .a = a, .user = "admin", .source = A };
	pthread_t t;
	long long ms;

	admin_password(dir, pw, sizeof(pw));
	l.pw = pw;
	auth_set_throttle_for_test(a, 1000, 1000);
	for (int i = 0; i < 5; i++)
		login_fails(a, "admin", "wrong-password", A);
	ck_assert_int_eq(pthread_create(&t, NULL, login_thread, &l), 0);
	for (int i = 0; i < 1000 && !source_waiting(a, A); i++)
		pause_ms(1);
	ck_assert(source_waiting(a, A));
	ms = timed_login(a, "admin", pw, A, -EACCES);
	ck_assert_int_lt(ms, 700);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(l.rc, 0);
	auth_close(a);
	unit_rmdir(dir);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Tokens                                                              */

START_TEST(test_tokens)
{
	char *dir = unit_tmpdir(), token[AUTH_TOKEN_LEN], token2[AUTH_TOKEN_LEN],
	     id[32], id2[32], hex[2 * AUTH_DIGEST_LEN + 1], saved;
	uint8_t digest[AUTH_DIGEST_LEN];
	struct auth *a = open_ok(dir, 0);
	struct auth_identity who;
	struct mgmtd_err err = { 0 };
	json_t *tokens, *o;

	add_ok(a, "bob", PW_BOB, AUTH_ROLE_OPERATOR);
	ck_assert_int_eq(auth_token_new(a, "bob", "backup \"script\"", token,
					id, &err), 0);
	ck_assert_uint_eq(strlen(token), 49);
	ck_assert_int_eq(strncmp(token, "mgmtd_", 6), 0);
	ck_assert_uint_eq(strspn(token + 6, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"
					    "ghijklmnopqrstuvwxyz0123456789-_"),
			  43);
	ck_assert_uint_eq(strlen(id), 16);
	ck_assert_uint_eq(strspn(id, "0123456789abcdef"), 16);
	ck_assert_int_eq(auth_token_new(a, "admin", NULL, token2, id2, NULL), 0);
	ck_assert_str_ne(token, token2);
	ck_assert_str_ne(id, id2);

	/* Stored as a digest only. */
	ck_assert(!file_has(dir, "auth.conf", token + 6));
	ck_assert_int_eq(auth_sha256(token, strlen(token), digest), 0);
	auth_hex(digest, sizeof(digest), hex);
	ck_assert(file_has(dir, "auth.conf", hex));

	tokens = auth_token_list(a);
	ck_assert_uint_eq(json_array_size(tokens), 2);
	o = list_find(tokens, "id", id);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(json_string_value(json_object_get(o, "user")), "bob");
	ck_assert_str_eq(json_string_value(json_object_get(o, "description")),
			 "backup \"script\"");
	ck_assert(json_is_null(json_object_get(o, "last_used")));
	ck_assert(json_integer_value(json_object_get(o, "created")) > 0);
	ck_assert_uint_eq(json_object_size(o), 5);
	json_decref(tokens);

	ck_assert_int_eq(auth_bearer(a, token, "192.0.2.1", &who), 0);
	ck_assert_str_eq(who.user, "bob");
	ck_assert_int_eq(who.role, AUTH_ROLE_OPERATOR);
	ck_assert_int_eq(who.method, AUTH_BEARER);
	ck_assert_str_eq(who.token_id, id);
	tokens = auth_token_list(a);
	ck_assert(json_integer_value(json_object_get(list_find(tokens, "id", id),
						     "last_used")) > 0);
	json_decref(tokens);
	/* The token follows its user's role. */
	ck_assert_int_eq(auth_user_set_role(a, "bob", AUTH_ROLE_MONITOR, NULL),
			 0);
	ck_assert_int_eq(auth_bearer(a, token, "192.0.2.1", &who), 0);
	ck_assert_int_eq(who.role, AUTH_ROLE_MONITOR);

	/* Unknown, malformed and revoked tokens. */
	saved = token[10];
	token[10] = saved == 'A' ? 'B' : 'A';
	ck_assert_int_eq(auth_bearer(a, token, "192.0.2.1", &who), -EACCES);
	token[10] = saved;
	ck_assert_int_eq(auth_bearer(a, token, "192.0.2.1", &who), 0);
	ck_assert_int_eq(auth_bearer(a, "", "192.0.2.1", &who), -EACCES);
	ck_assert_int_eq(auth_bearer(a, NULL, NULL, &who), -EACCES);
	ck_assert_int_eq(auth_bearer(a, token2 + 6, NULL, &who), -EACCES);
	ck_assert_int_eq(auth_bearer(a, id2, NULL, &who), -EACCES);
	ck_assert_int_eq(auth_bearer(a, hex, NULL, &who), -EACCES);
	ck_assert_int_eq(auth_token_revoke(a, id2, NULL), 0);
	ck_assert_int_eq(auth_bearer(a, token2, "192.0.2.1", &who), -EACCES);
	ck_assert_int_eq(auth_token_revoke(a, id2, &err), -ENOENT);
	ck_assert_int_eq(err.items[err.count - 1].code, MGMTD_E_NOT_FOUND);
	ck_assert_int_eq(auth_token_revoke(a, NULL, NULL), -ENOENT);
	ck_assert_int_eq(auth_token_new(a, "nobody", "x", token2, id2, NULL),
			 -ENOENT);
	ck_assert_int_eq(auth_token_new(a, "bob", "two\nlines", token2, id2,
					NULL), -EINVAL);
	{
		char desc[AUTH_DESC_MAX + 2];

		memset(desc, 'd', sizeof(desc) - 1);
		desc[sizeof(desc) - 1] = '\0';
		ck_assert_int_eq(auth_token_new(a, "bob", desc, token2, id2,
						NULL), -EINVAL);
	}
	tokens = auth_token_list(a);
	ck_assert_uint_eq(json_array_size(tokens), 1);
	json_decref(tokens);

	/* Deleting a user takes its tokens. */
	ck_assert_int_eq(auth_user_delete(a, "bob", NULL), 0);
	tokens = auth_token_list(a);
	ck_assert_uint_eq(json_array_size(tokens), 0);
	json_decref(tokens);
	ck_assert(!file_has(dir, "auth.conf", hex));
	auth_close(a);
	unit_rmdir(dir);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Sessions                                                            */

static void session_login(struct auth *a, const char *user, const char *pw,
			  char *id, char *csrf)
{
	struct auth_identity who;

	ck_assert_int_eq(auth_login(a, user, pw, "192.0.2.1", &who), 0);
	ck_assert_int_eq(auth_session_new(a, &who, id, csrf), 0);
}

START_TEST(test_sessions)
{
	char *dir = unit_tmpdir(), id[AUTH_SESSION_LEN], csrf[AUTH_SESSION_LEN],
	     id2[AUTH_SESSION_LEN], csrf2[AUTH_SESSION_LEN];
	struct auth *a = open_ok(dir, 0);
	struct auth_identity who = { 0 }, fake = { .role = AUTH_ROLE_ADMIN };

	add_ok(a, "bob", PW_BOB, AUTH_ROLE_OPERATOR);
	session_login(a, "bob", PW_BOB, id, csrf);
	session_login(a, "bob", PW_BOB, id2, csrf2);
	ck_assert_uint_eq(strlen(id), 43);
	ck_assert_uint_eq(strlen(csrf), 43);
	ck_assert_str_ne(id, id2);
	ck_assert_str_ne(id, csrf);
	ck_assert_str_ne(csrf, csrf2);

	ck_assert_int_eq(auth_session_check(a, id, NULL, false, &who), 0);
	ck_assert_str_eq(who.user, "bob");
	ck_assert_int_eq(who.role, AUTH_ROLE_OPERATOR);
	ck_assert_int_eq(who.method, AUTH_SESSION);
	ck_assert_int_eq(auth_session_check(a, id, csrf, true, &who), 0);
	ck_assert_int_eq(auth_session_check(a, id, csrf2, true, &who), -EPERM);
	ck_assert_int_eq(auth_session_check(a, id, NULL, true, &who), -EPERM);
	ck_assert_int_eq(auth_session_check(a, id, "", true, &who), -EPERM);
	ck_assert_int_eq(auth_session_check(a, id, id, true, &who), -EPERM);
	ck_assert_int_eq(auth_session_check(a, csrf, csrf, true, &who),
			 -EACCES);
	ck_assert_int_eq(auth_session_check(a, "nope", NULL, false, &who),
			 -EACCES);
	ck_assert_int_eq(auth_session_check(a, "", NULL, false, &who), -EACCES);
	ck_assert_int_eq(auth_session_check(a, NULL, NULL, false, &who),
			 -EACCES);

	/* The role follows the user; a deleted user's sessions end. */
	ck_assert_int_eq(auth_user_set_role(a, "bob", AUTH_ROLE_ADMIN, NULL), 0);
	ck_assert_int_eq(auth_session_check(a, id2, NULL, false, &who), 0);
	ck_assert_int_eq(who.role, AUTH_ROLE_ADMIN);
	auth_session_end(a, id);
	ck_assert_int_eq(auth_session_check(a, id, csrf, true, &who), -EACCES);
	auth_session_end(a, id);
	auth_session_end(a, NULL);
	ck_assert_int_eq(auth_session_check(a, id2, csrf2, true, &who), 0);
	ck_assert_int_eq(auth_user_delete(a, "bob", NULL), 0);
	ck_assert_int_eq(auth_session_check(a, id2, NULL, false, &who),
			 -EACCES);

	/* Only for users that exist, with their own role. */
	snprintf(fake.user, sizeof(fake.user), "ghost");
	ck_assert_int_lt(auth_session_new(a, &fake, id, csrf), 0);
	auth_close(a);
	unit_rmdir(dir);
}
END_TEST

START_TEST(test_session_expiry)
{
	char *dir = unit_tmpdir(), pw[32], id[AUTH_SESSION_LEN],
	     csrf[AUTH_SESSION_LEN];
	struct auth *a = open_ok(dir, 1);
	struct auth_identity who;

	admin_password(dir, pw, sizeof(pw));
	session_login(a, "admin", pw, id, csrf);
	/* Use keeps it alive past its idle time... */
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(auth_session_check(a, id, NULL, false, &who), 0);
		pause_ms(300);
	}
	ck_assert_int_eq(auth_session_check(a, id, csrf, true, &who), 0);
	/* ... idleness ends it.  A check would touch it, so this one waits
	 * out the idle time rather than polling. */
	pause_ms(1050);
	ck_assert_int_eq(auth_session_check(a, id, NULL, false, &who), -EACCES);
	ck_assert_int_eq(auth_session_check(a, id, csrf, true, &who), -EACCES);
	auth_close(a);
	unit_rmdir(dir);
}
END_TEST

START_TEST(test_session_limit)
{
	char *dir = unit_tmpdir(), pw[32], first[AUTH_SESSION_LEN],
	     second[AUTH_SESSION_LEN], id[AUTH_SESSION_LEN],
	     csrf[AUTH_SESSION_LEN];
	struct auth *a = open_ok(dir, 0);
	struct auth_identity who;

	admin_password(dir, pw, sizeof(pw));
	ck_assert_int_eq(auth_login(a, "admin", pw, "192.0.2.1", &who), 0);
	ck_assert_int_eq(auth_session_new(a, &who, first, csrf), 0);
	pause_ms(2);
	ck_assert_int_eq(auth_session_new(a, &who, second, csrf), 0);
	pause_ms(2);
	for (int i = 2; i < AUTH_MAX_SESSIONS; i++)
		ck_assert_int_eq(auth_session_new(a, &who, id, csrf), 0);
	/* Full: touching the first makes the second the least recent. */
	ck_assert_int_eq(auth_session_check(a, first, NULL, false, &who), 0);
	ck_assert_int_eq(auth_session_new(a, &who, id, csrf), 0);
	ck_assert_int_eq(auth_session_check(a, second, NULL, false, &who),
			 -EACCES);
	ck_assert_int_eq(auth_session_check(a, first, NULL, false, &who), 0);
	ck_assert_int_eq(auth_session_check(a, id, csrf, true, &who), 0);
	auth_close(a);
	unit_rmdir(dir);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Persistence                                                         */

START_TEST(test_persistence)
{
	char *dir = unit_tmpdir(), token[AUTH_TOKEN_LEN], id[32], *text;
	struct auth *a = open_ok(dir, 0);
	struct auth_identity who;
	json_t *users, *tokens;

	add_ok(a, "bob", PW_BOB, AUTH_ROLE_OPERATOR);
	add_ok(a, "carol", PW_CAROL, AUTH_ROLE_MONITOR);
	ck_assert_int_eq(auth_token_new(a, "carol", "graphs", token, id, NULL),
			 0);
	ck_assert_int_eq(auth_bearer(a, token, "192.0.2.1", &who), 0);
	auth_close(a);

	/* last_used reached the file at the latest on close. */
	text = unit_read(dir, "auth.conf");
	ck_assert_ptr_null(strstr(text, "last_used = 0L"));
	free(text);

	a = open_ok(dir, 0);
	users = auth_user_list(a);
	ck_assert_uint_eq(json_array_size(users), 3);
	ck_assert_str_eq(json_string_value(json_object_get(
				 list_find(users, "name", "carol"), "role")),
			 "monitor");
	json_decref(users);
	tokens = auth_token_list(a);
	ck_assert_uint_eq(json_array_size(tokens), 1);
	ck_assert_str_eq(json_string_value(json_object_get(
				 list_find(tokens, "id", id), "description")),
			 "graphs");
	ck_assert(json_integer_value(json_object_get(
			  list_find(tokens, "id", id), "last_used")) > 0);
	json_decref(tokens);
	login_ok(a, "bob", PW_BOB, AUTH_ROLE_OPERATOR);
	ck_assert_int_eq(auth_bearer(a, token, "192.0.2.1", &who), 0);
	ck_assert_str_eq(who.user, "carol");
	ck_assert_str_eq(who.token_id, id);
	auth_close(a);
	unit_rmdir(dir);
}
END_TEST

/* A file that does not parse or breaks a rule stops auth_open and stays
 * as it was: replacing it would lock everybody out. */
START_TEST(test_bad_file)
{
	static const char *const bad[] = {
		"users = ( { name = \"bob\"",
		"version = 2;",
		"users = ( { name = \"Bob\"; role = \"admin\"; hash = \"$6$x\"; } );",
		"users = ( { name = \"bob\"; role = \"king\"; hash = \"$6$x\"; } );",
		"users = ( { name = \"bob\"; role = \"admin\"; hash = \"x\"; } );",
		"users = ( { name = \"bob\"; role = \"admin\"; hash = \"$6$x\"; },"
		" { name = \"bob\"; role = \"admin\"; hash = \"$6$x\"; } );",
		"tokens = ( { id = \"0123456789abcdef\"; user = \"ghost\"; "
		"sha256 = \"00\"; } );",
	};
	char *dir = unit_tmpdir(), path[PATH_MAX], *text;
	struct auth *a = NULL;

	snprintf(path, sizeof(path), "%s/auth.conf", dir);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		FILE *f = fopen(path, "w");

		ck_assert_ptr_nonnull(f);
		fputs(bad[i], f);
		fclose(f);
		ck_assert_msg(auth_open(NULL, dir, 0, &a) == -EINVAL, "%s",
			      bad[i]);
		ck_assert_ptr_null(a);
		text = unit_read(dir, "auth.conf");
		ck_assert_str_eq(text, bad[i]);
		free(text);
		ck_assert(!unit_exists(dir, "initial-admin-password"));
	}
	/* An empty file has no user: the admin is created. */
	ck_assert_int_eq(truncate(path, 0), 0);
	a = open_ok(dir, 0);
	ck_assert(unit_exists(dir, "initial-admin-password"));
	auth_close(a);
	unit_rmdir(dir);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Concurrency                                                         */

struct worker {
	struct auth *a;
	const char *pw;
	char token[AUTH_TOKEN_LEN];
	int n;
	int failures;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	char id[AUTH_SESSION_LEN], csrf[AUTH_SESSION_LEN], src[32];
	struct auth_identity who;

	snprintf(src, sizeof(src), "192.0.2.%d", 10 + w->n);
	for (int round = 0; round < 2; round++) {
		if (auth_login(w->a, "admin", w->pw, src, &who) != 0 ||
		    auth_session_new(w->a, &who, id, csrf) != 0) {
			w->failures++;
			continue;
		}
		for (int i = 0; i < 300; i++) {
			w->failures += auth_session_check(w->a, id, csrf, i & 1,
							  &who) != 0;
			w->failures += auth_bearer(w->a, w->token, src, &who) !=
				       0;
		}
		if (auth_session_check(w->a, id, "bad", true, &who) != -EPERM)
			w->failures++;
		auth_session_end(w->a, id);
		if (auth_session_check(w->a, id, NULL, false, &who) != -EACCES)
			w->failures++;
	}
	return NULL;
}

/* Users come and go while the workers run. */
static void *churn_run(void *arg)
{
	struct worker *w = arg;
	char name[16];

	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "tmp%d", i);
		w->failures += auth_user_add(w->a, name, "temp-password",
					     AUTH_ROLE_MONITOR, NULL) != 0;
		w->failures += auth_user_set_role(w->a, name, AUTH_ROLE_OPERATOR,
						  NULL) != 0;
		w->failures += auth_user_delete(w->a, name, NULL) != 0;
	}
	return NULL;
}

START_TEST(test_concurrency)
{
	enum { N = 4 };
	char *dir = unit_tmpdir(), pw[32], id[32];
	struct auth *a = open_ok(dir, 0);
	struct worker w[N + 1];
	pthread_t t[N + 1];
	json_t *users;

	admin_password(dir, pw, sizeof(pw));
	for (int i = 0; i <= N; i++) {
		w[i] = (struct worker){ .a = a, .pw = pw, .n = i };
		ck_assert_int_eq(auth_token_new(a, "admin", "load", w[i].token,
						id, NULL), 0);
	}
	for (int i = 0; i < N; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, worker_run, &w[i]),
				 0);
	ck_assert_int_eq(pthread_create(&t[N], NULL, churn_run, &w[N]), 0);
	for (int i = 0; i <= N; i++) {
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
		ck_assert_int_eq(w[i].failures, 0);
	}
	users = auth_user_list(a);
	ck_assert_uint_eq(json_array_size(users), 1);
	json_decref(users);
	auth_close(a);
	unit_rmdir(dir);
}
END_TEST

static Suite *auth_suite(void)
{
	Suite *s = suite_create("auth");
	TCase *basic = tcase_create("basic"), *login = tcase_create("login"),
	      *token = tcase_create("token"), *session = tcase_create("session"),
	      *store = tcase_create("store");

	tcase_set_timeout(basic, 60);
	tcase_set_timeout(login, 120);
	tcase_set_timeout(token, 60);
	tcase_set_timeout(session, 60);
	tcase_set_timeout(store, 120);
	tcase_add_test(basic, test_initial_admin);
	tcase_add_test(basic, test_roles);
	tcase_add_test(basic, test_user_names);
	tcase_add_test(basic, test_users);
	tcase_add_test(basic, test_last_admin);
	tcase_add_test(basic, test_write_failure_changes_nothing);
	suite_add_tcase(s, basic);
	tcase_add_test(login, test_wrong_password);
	tcase_add_test(login, test_failure_events);
	tcase_add_test(login, test_throttle);
	tcase_add_test(login, test_throttle_one_waiter);
	suite_add_tcase(s, login);
	tcase_add_test(token, test_tokens);
	suite_add_tcase(s, token);
	tcase_add_test(session, test_sessions);
	tcase_add_test(session, test_session_expiry);
	tcase_add_test(session, test_session_limit);
	suite_add_tcase(s, session);
	tcase_add_test(store, test_persistence);
	tcase_add_test(store, test_bad_file);
	tcase_add_test(store, test_concurrency);
	suite_add_tcase(s, store);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(auth_suite());
	int failed;

	log_setup(true, MGMTD_SEV_WARNING, getenv("MGMTD_DEBUG"));
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
