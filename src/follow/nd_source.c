#include "nd_source.h"

#include "nd_clock.h"

int nd_source_round(const nd_source *src, size_t n, nd_store *s, uint64_t *new_events, nd_error *err)
{
	size_t i;

	*new_events = 0;
	for (i = 0; i < n; i++) {
		uint64_t k;

		if (src[i].round(src[i].self, s, &k, err) != 0)
			return -1;
		*new_events += k;
	}
	return 0;
}

int nd_source_run(const nd_source *src, size_t n, nd_store *s, unsigned interval_ms, volatile sig_atomic_t *stop,
		  int (*round_done)(void *ctx, uint64_t new_events, nd_error *err), void *ctx, nd_error *err)
{
	while (!*stop) {
		uint64_t k;

		if (nd_source_round(src, n, s, &k, err) != 0 || round_done(ctx, k, err) != 0)
			return -1;
		nd_clock_sleep_ms(interval_ms, stop);
	}
	return 0;
}
