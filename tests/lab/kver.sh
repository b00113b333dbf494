# SPDX-License-Identifier: GPL-2.0
# Sourced by the lab scripts (bash or sh).  lab_resolve_kver ARG prints the
# kernel release to use: ARG itself when /lib/modules/ARG exists, otherwise the
# newest installed kernel of series ARG (e.g. "6.1" or "6.12") that has a
# /boot/vmlinuz and the kvm modules.  "latest" picks the newest of all.
# LAB_ROOT (default /) is where boot/ and lib/modules/ are looked up: the
# debug kernel of tests/debug/build.sh lives in its own root.
lab_resolve_kver() {
	_arg=$1
	_r=${LAB_ROOT:-}
	if [ -d "$_r/lib/modules/$_arg" ] && [ -r "$_r/boot/vmlinuz-$_arg" ]; then
		echo "$_arg"
		return 0
	fi
	_best=$(for _d in "$_r"/lib/modules/*; do
		_k=${_d##*/}
		[ -r "$_r/boot/vmlinuz-$_k" ] || continue
		ls "$_d"/kernel/arch/x86/kvm/kvm-amd.ko* >/dev/null 2>&1 || continue
		case $_arg in
		latest) ;;
		*) case $_k in "$_arg".*|"$_arg"-*) ;; *) continue ;; esac ;;
		esac
		echo "$_k"
	done | sort -V | tail -n1)
	[ -n "$_best" ] || return 1
	echo "$_best"
}
