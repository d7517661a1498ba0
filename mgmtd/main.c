/* mgmtd: arguments, signals, the main loop; nothing else. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "core.h"
#include "ctl.h"
#include "daemon_config.h"
#include "fileutil.h"
#include "frontend.h"
#include "log.h"
#include "loop.h"
#include "mib_gen.h"
#include "txn.h"

#define DEFAULT_CONFIG SYSCONFDIR "/mgmtd/mgmtd.conf"

enum mode { MODE_RUN, MODE_CHECK, MODE_LIST, MODE_DUMP_MIB };

struct options {
	const char *config;
	const char *debug;
	bool foreground;
	enum mode mode;
};

struct daemon_run {
	struct core *core;
	struct loop *loop;
	int sigfd;
	int exit_code;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mgmtd [-c FILE] [-f] [-d TOKENS] [--check-config]\n"
		"             [--list-plugins] [--dump-mib] [--version]\n"
		"  -c, --config FILE   daemon settings (default %s)\n"
		"  -f, --foreground    stay in the foreground, log to stderr\n"
		"  -d, --debug TOKENS  debug subsystems (comma list, or all)\n"
		"      --check-config  validate the settings and the managed\n"
		"                      configuration, apply nothing\n"
		"      --list-plugins  list the plugins that load\n"
		"      --dump-mib      print the MIB of the plugins that load\n"
		"      --version       print the version\n",
		DEFAULT_CONFIG);
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "debug", required_argument, NULL, 'd' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "list-plugins", no_argument, NULL, 'L' },
		{ "dump-mib", no_argument, NULL, 'M' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int ch;

	*o = (struct options){ .config = DEFAULT_CONFIG };
	while ((ch = getopt_long(argc, argv, "c:fd:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->config = optarg; break;
		case 'f': o->foreground = true; break;
		case 'd': o->debug = optarg; break;
		case 'C': o->mode = MODE_CHECK; break;
		case 'L': o->mode = MODE_LIST; break;
		case 'M': o->mode = MODE_DUMP_MIB; break;
		case 'V': printf("mgmtd %s (plugin ABI %d)\n", PACKAGE_VERSION,
				 MGMTD_PLUGIN_ABI);
			exit(0);
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -EINVAL;
		}
	}
	return optind == argc ? 0 : -EINVAL;
}

static int list_plugins(struct core *c)
{
	for (size_t i = 0; i < c->n_plugins; i++) {
		const struct mgmtd_plugin *p = c->plugins[i]->desc;
		printf("%-12s %-8s %s\n", p->name, p->version,
		       p->description ? p->description : "");
	}
	return 0;
}

static void on_signal(int fd, short revents, void *arg)
{
	struct daemon_run *d = arg;
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo == SIGHUP) {
		log_info("mgmtd", "SIGHUP: re-reading the managed configuration");
		core_reload(d->core);
		return;
	}
	log_info("mgmtd", "signal %u: stopping", si.ssi_signo);
	loop_stop(d->loop);
}

static void on_collect(void *arg)
{
	core_collect(arg);
}

static void on_confirm_tick(void *arg)
{
	txn_confirm_check(arg);
}

static int setup_signals(void)
{
	sigset_t set;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	fd = signalfd(-1, &set, SFD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Refuse to start twice on the same pid file. */
static bool already_running(const char *pid_file)
{
	FILE *f = fopen(pid_file, "r");
	long pid = 0;

	if (!f)
		return false;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	return pid > 0 && pid != getpid() && kill((pid_t)pid, 0) == 0;
}

static int write_pid_file(const char *path)
{
	char text[32];
	int n = snprintf(text, sizeof(text), "%ld\n", (long)getpid());

	return fileutil_write_atomic(path, text, (size_t)n, 0644);
}

static int run_daemon(struct daemon_config *dc, const struct options *o)
{
	struct daemon_run d = { .sigfd = -1, .exit_code = 1 };
	struct ctl *ctl = NULL;
	char msg[4096];
	int rc;

	if (already_running(dc->pid_file)) {
		log_err("mgmtd", "already running (pid file %s)", dc->pid_file);
		return 1;
	}
	if (!o->foreground && daemon(0, 0) < 0) {
		log_err("mgmtd", "cannot daemonize: %s", strerror(errno));
		return 1;
	}
	if ((d.sigfd = setup_signals()) < 0 || loop_new(&d.loop) < 0 ||
	    core_new(dc, 0, &d.core) < 0)
		goto out;
	if ((rc = core_start(d.core, msg, sizeof(msg))) < 0) {
		log_err("mgmtd", "cannot apply the managed configuration:\n%s",
			msg);
		goto out;
	}
	if (ctl_open(d.core, d.loop, dc->control_socket, &ctl) < 0 ||
	    frontend_start_all(d.core, d.loop) < 0 ||
	    loop_add_fd(d.loop, d.sigfd, POLLIN, on_signal, &d) < 0 ||
	    loop_add_timer(d.loop, dc->collect_interval * 1000,
			   dc->collect_interval * 1000, on_collect, d.core) < 0 ||
	    loop_add_timer(d.loop, 1000, 1000, on_confirm_tick, d.core) < 0)
		goto out;
	/* The pid file is the readiness signal: written once we serve. */
	if ((rc = write_pid_file(dc->pid_file)) < 0) {
		log_err("mgmtd", "cannot write %s: %s", dc->pid_file,
			strerror(-rc));
		goto out;
	}
	log_notice("mgmtd", "ready: control socket %s, version %u",
		   dc->control_socket, store_version(d.core->store));
	frontend_log_banner();
	d.exit_code = loop_run(d.loop) < 0 ? 1 : 0;
	core_event(d.core, MGMTD_SEV_NOTICE, "mgmtd", NULL, "stopping");
	unlink(dc->pid_file);
out:
	frontend_stop_all();
	ctl_close(ctl);
	core_free(d.core);
	loop_free(d.loop);
	if (d.sigfd >= 0)
		close(d.sigfd);
	return d.exit_code;
}

int main(int argc, char **argv)
{
	struct daemon_config *dc = NULL;
	struct options o;
	struct core *c = NULL;
	char msg[8192];
	int rc;

	if (parse_args(argc, argv, &o) < 0)
		return 2;
	log_setup(true, MGMTD_SEV_INFO, o.debug);
	if (daemon_config_load(o.config, &dc, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "mgmtd: %s\n", msg);
		return 2;
	}
	log_setup(o.foreground || o.mode != MODE_RUN,
		  o.mode == MODE_RUN ? dc->log_level : MGMTD_SEV_WARNING,
		  o.debug ? o.debug : dc->debug);
	if (o.mode == MODE_RUN) {
		rc = run_daemon(dc, &o);
	} else if ((rc = core_new(dc, CORE_CHECK_ONLY, &c)) < 0) {
		fprintf(stderr, "mgmtd: cannot start: %s\n", strerror(-rc));
		rc = 1;
	} else if (o.mode == MODE_LIST) {
		rc = list_plugins(c);
	} else if (o.mode == MODE_DUMP_MIB) {
		rc = mib_gen_write(&c->schema, stdout) < 0 ? 1 : 0;
	} else {
		rc = core_check_config(c, NULL, msg, sizeof(msg)) < 0 ? 1 : 0;
		fprintf(rc ? stderr : stdout, "%s\n", msg);
	}
	core_free(c);
	daemon_config_free(dc);
	return rc;
}
