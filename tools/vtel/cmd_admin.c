// SPDX-License-Identifier: GPL-2.0
/* vtel reset (RESET) and vtel config (GET_CONFIG / SET_CONFIG). */
#include "api.h"
#include "cmds.h"

int cmd_reset(struct vtel_ctx *ctx, const struct vtel_args *a)
{
	int err;

	(void)a;
	err = vtel_reset(ctx);
	return err ? vtel_report(ctx, err) : VTEL_EXIT_OK;
}

/* Per-reason thresholds: "slow_ns.REASON=N" lines, or one object. */
static void print_slow_overrides(struct vtel_out *o, const struct vtel_config *c)
{
	unsigned int i;

	if (o->json)
		jw_obj_open(o, "slow_ns_by_reason");
	for (i = 0; i < c->n_slow; i++) {
		if (o->json)
			jw_u64(o, c->slow[i].reason, c->slow[i].ns);
		else
			fprintf(o->f, "slow_ns.%s=%llu\n", c->slow[i].reason,
				(unsigned long long)c->slow[i].ns);
	}
	if (o->json)
		jw_obj_close(o);
}

/* "key=value" lines, the syntax 'vtel config' takes, or one object. */
static void print_config(struct vtel_out *o, const struct vtel_config *c)
{
	const char *key;
	int k;

	if (o->json)
		jw_obj_open(o, NULL);
	for (k = 1; k <= VTEL_C_MAX; k++) {
		key = vtel_config_key(k);
		if (!key)
			continue;
		if (!(c->have & (1ULL << k))) {
			if (o->json)
				jw_null(o, key);
			continue;
		}
		if (o->json)
			jw_u64(o, key, c->v[k]);
		else
			fprintf(o->f, "%s=%llu\n", key,
				(unsigned long long)c->v[k]);
	}
	print_slow_overrides(o, c);
	if (o->json) {
		jw_obj_close(o);
		jw_end(o);
	}
}

int cmd_config(struct vtel_ctx *ctx, const struct vtel_args *a)
{
	struct vtel_config c;
	int err;

	if (a->set.have || a->set.n_slow) {
		err = vtel_set_config(ctx, &a->set);
		return err ? vtel_report(ctx, err) : VTEL_EXIT_OK;
	}
	err = vtel_get_config(ctx, &c);
	if (err)
		return vtel_report(ctx, err);
	print_config(&ctx->out, &c);
	return VTEL_EXIT_OK;
}
