# shellcheck shell=bash
# The sandbox's cifs part (also called samba), sourced by tests/sandbox:
# the accounts and cifs plugins, with mgmtd running smbd for real.
#
#   smbd      a child of mgmtd (its service supervisor), in mgmtd's mount
#             namespace, so that it sees the sandbox's /etc (the overlay)
#             and the users the accounts plugin writes there; it serves
#             127.0.0.1 only, on port $MGMTD_SMB_PORT (default 1445; 0
#             picks a free port: the tests do, so that they can run side
#             by side).  Every Samba directory (lock, state, cache,
#             private with the passdb, ncalrpc) is under DIR/samba, with
#             smb.conf; the pid files of smbd and of the samba-dcerpcd it
#             spawns are in DIR/pids, where `stop` and `down` stop what
#             mgmtd left behind.
#
# DIR/env gets SMB_PORT, SMB_HOST (127.0.0.1) and SMB_CONF (for
# smbclient -s, smbstatus -s, ...).  The part "accounts" alone loads the
# accounts plugin without Samba; "system" the services table alone.

# Whether the parts (comma separated) include Samba.
cifs_in_parts() {
	case ",$1," in
	*,cifs,* | *,samba,*) return 0 ;;
	esac
	return 1
}

# The plugins the parts (comma separated) load, in order, once each:
# cifs and samba load accounts, cifs and system (the services table).
cifs_plugins_of() {
	local p
	for p in ${1//,/ }; do
		case $p in
		cifs | samba) printf '%s\n' accounts cifs system ;;
		time) printf '%s\n' system ;;
		*) printf '%s\n' "$p" ;;
		esac
	done | awk 'NF && !seen[$0]++'
}

# Before mgmtd starts: Samba must be there; the port is chosen once and
# kept by --reuse.
cifs_up() {
	local dir=$1 parts=$2 t port
	cifs_in_parts "$parts" || return 0
	for t in smbd testparm smbcontrol smbstatus pdbedit; do
		PATH=$PATH:/usr/sbin:/sbin command -v "$t" >/dev/null ||
			die "$t not found: the cifs part needs Samba (samba, samba-common-bin)"
	done
	mkdir -p "$dir/samba"
	if [ ! -s "$dir/samba/port" ]; then
		port=${MGMTD_SMB_PORT:-1445}
		[ "$port" != 0 ] || port=$(free_port tcp) || die "no free TCP port found"
		echo "$port" >"$dir/samba/port"
	fi
}

# The plugins' settings, inside the daemon config's plugins group.
cifs_plugin_settings() {
	local dir=$1 parts=$2
	cifs_in_parts "$parts" || return 0
	cat <<EOF
  accounts = {
    # The account files are the sandbox's /etc (the overlay); pdbedit
    # finds Samba's passdb through the cifs part's smb.conf.
    smb_conf = "$dir/samba/smb.conf";
  };
  cifs = {
    smb_conf = "$dir/samba/smb.conf";
    samba_dir = "$dir/samba";
    pid_dir = "$dir/pids";
    port = $(cat "$dir/samba/port");
    interfaces = "127.0.0.1";
    bind_interfaces_only = 1;
  };
EOF
}

cifs_write_env() {
	local dir=$1
	[ -s "$dir/samba/port" ] || return 0
	printf 'export SMB_PORT=%q\n' "$(cat "$dir/samba/port")"
	printf 'export SMB_HOST=%q\n' 127.0.0.1
	printf 'export SMB_CONF=%q\n' "$dir/samba/smb.conf"
}
