# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Sourced by the lab scripts (bash or sh).
#
# lab_resolve_kver ARG prints the kernel release to use: ARG itself when a
# lab root has that kernel, otherwise the newest kernel of series ARG (e.g.
# "6.1", "6.12", "7.2") that has a vmlinuz and the kvm modules. "latest"
# picks the newest of all.
#
# lab_kernel KVER prints "VMLINUZ MODDIR" for that kernel.
#
# Lab roots: LAB_ROOT alone when set (the debug kernel of tests/debug/build.sh
# lives in its own root), otherwise the host (/) and the sid lab kernel that
# tests/sid/setup.sh unpacks into $VTEL_CACHE/sid/lab. In a root, modules
# are under lib/modules or usr/lib/modules, and vmlinuz is boot/vmlinuz-KVER
# (Debian 12) or in the modules directory (sid's linux-binary package).
_lab_roots() {
	if [ -n "${LAB_ROOT:-}" ]; then
		echo "$LAB_ROOT"
	else
		echo /
		echo "${VTEL_CACHE:-/var/tmp/vtel-cache}/sid/lab"
	fi
}

lab_kernel() {
	for _r in $(_lab_roots); do
		_r=${_r%/}
		for _m in "$_r/lib/modules/$1" "$_r/usr/lib/modules/$1"; do
			[ -d "$_m/kernel" ] || continue
			for _z in "$_r/boot/vmlinuz-$1" "$_m/vmlinuz"; do
				[ -r "$_z" ] || continue
				echo "$_z $_m"
				return 0
			done
		done
	done
	return 1
}

lab_resolve_kver() {
	_arg=$1
	if lab_kernel "$_arg" >/dev/null; then
		echo "$_arg"
		return 0
	fi
	_best=$(for _r in $(_lab_roots); do
		_r=${_r%/}
		for _d in "$_r"/lib/modules/* "$_r"/usr/lib/modules/*; do
			_k=${_d##*/}
			ls "$_d"/kernel/arch/x86/kvm/kvm-amd.ko* >/dev/null 2>&1 ||
				continue
			lab_kernel "$_k" >/dev/null || continue
			case $_arg in
			latest) ;;
			*) case $_k in "$_arg".*|"$_arg"-*) ;; *) continue ;; esac ;;
			esac
			echo "$_k"
		done
	done | sort -uV | tail -n1)
	[ -n "$_best" ] || return 1
	echo "$_best"
}
