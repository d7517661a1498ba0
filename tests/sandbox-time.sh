# shellcheck shell=bash
# The sandbox's time part, sourced by tests/sandbox: the system plugin's
# time class with a real chronyd, and its power class made harmless.
#
# Whenever the system plugin is loaded (parts system, time, cifs, samba),
# its settings keep it off the host: the localtime link and the timezone
# file are DIR/time/localtime and DIR/time/timezone (the zones are the
# host's /usr/share/zoneinfo, read only), reboot and shutdown only raise
# an event (power_dry_run), and without the time part there is no NTP
# daemon (ntp = "none").
#
# The time part runs chronyd as mgmtd's child (run_chronyd) with a private
# config DIR/time/chrony.conf, its sources directory DIR/time/sources.d
# (mgmtd writes mgmtd.sources there), its command socket
# DIR/time/run/chronyd.sock, its pid file in DIR/pids (where `stop` and
# `down` stop what mgmtd left behind), no NTP server port, no UDP command
# port, and -x: it never sets the host's clock.
#
# DIR/env gets CHRONY_SOCKET (for `chronyc -h "$CHRONY_SOCKET"`) and
# TIME_DIR.

time_in_parts() {
	case ",$1," in
	*,time,*) return 0 ;;
	esac
	return 1
}

# Whether the parts load the system plugin.
time_system_loaded() {
	case ",$1," in
	*,time,* | *,system,* | *,cifs,* | *,samba,*) return 0 ;;
	esac
	return 1
}

# Before mgmtd starts: chronyd must be there; its config is written once
# and kept by --reuse.
time_up() {
	local dir=$1 parts=$2 t
	time_system_loaded "$parts" || return 0
	mkdir -p "$dir/time"
	time_in_parts "$parts" || return 0
	for t in chronyd chronyc; do
		PATH=$PATH:/usr/sbin:/sbin command -v "$t" >/dev/null ||
			die "$t not found: the time part needs chrony"
	done
	mkdir -p "$dir/time/sources.d" "$dir/time/run"
	# chronyd refuses a command socket in a directory others can read.
	chmod 0750 "$dir/time/run"
	[ -f "$dir/time/chrony.conf" ] && return 0
	cat >"$dir/time/chrony.conf" <<EOF
# Written by tests/sandbox: a private chronyd that never sets the clock.
sourcedir $dir/time/sources.d
pidfile $dir/pids/chronyd.pid
bindcmdaddress $dir/time/run/chronyd.sock
driftfile $dir/time/drift
port 0
cmdport 0
EOF
}

# The system plugin's settings, inside the daemon config's plugins group.
time_plugin_settings() {
	local dir=$1 parts=$2 chronyd
	time_system_loaded "$parts" || return 0
	cat <<EOF
  system = {
    zoneinfo_dir = "/usr/share/zoneinfo";
    localtime = "$dir/time/localtime";
    timezone_file = "$dir/time/timezone";
    power_dry_run = 1;
EOF
	if time_in_parts "$parts"; then
		chronyd=$(PATH=$PATH:/usr/sbin:/sbin command -v chronyd)
		cat <<EOF
    ntp = "chrony";
    chronyd = "$chronyd";
    chrony_conf = "$dir/time/chrony.conf";
    chrony_sources = "$dir/time/sources.d/mgmtd.sources";
    chrony_socket = "$dir/time/run/chronyd.sock";
    chrony_pid_file = "$dir/pids/chronyd.pid";
    run_chronyd = 1;
    chronyd_no_clock = 1;
    chronyd_user = "root";
EOF
	else
		echo '    ntp = "none";'
	fi
	echo '  };'
}

time_write_env() {
	local dir=$1
	[ -d "$dir/time" ] || return 0
	printf 'export TIME_DIR=%q\n' "$dir/time"
	[ -f "$dir/time/chrony.conf" ] || return 0
	printf 'export CHRONY_SOCKET=%q\n' "$dir/time/run/chronyd.sock"
}
