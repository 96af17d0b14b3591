#include "nd_axis.h"

#include <string.h>

#include "nd_time.h"

void nd_axis_init(nd_axis *a)
{
	memset(a, 0, sizeof(*a));
}

void nd_axis_add(nd_axis *a, int64_t ts)
{
	int64_t len;
	size_t k, smallest = 0;

	ts = ts > ND_AXIS_LIMIT ? ND_AXIS_LIMIT : ts < -ND_AXIS_LIMIT ? -ND_AXIS_LIMIT : ts;
	if (a->n++ == 0) {
		a->first = a->last = a->prev = ts;
		return;
	}
	len = ts - a->prev;
	a->prev = a->last = ts;
	if (len <= 0)
		return;
	/* Keep the largest gaps: replace the smallest one kept when full. */
	if (a->ngaps < ND_AXIS_SEGMENTS - 1) {
		a->gaps[a->ngaps].after = ts - len;
		a->gaps[a->ngaps++].len = len;
		return;
	}
	for (k = 1; k < a->ngaps; k++)
		if (a->gaps[k].len < a->gaps[smallest].len)
			smallest = k;
	if (len > a->gaps[smallest].len) {
		a->gaps[smallest].after = ts - len;
		a->gaps[smallest].len = len;
	}
}

void nd_axis_finish(nd_axis *a)
{
	int64_t span = a->last - a->first, from = a->first, floor_len, total = 0;
	size_t k, j, kept = 0;
	double avail, x = 0, weights = 0;

	/* Only gaps longer than a tenth of the span break the axis. */
	for (k = 0; k < a->ngaps; k++)
		if (a->gaps[k].len > span / 10)
			a->gaps[kept++] = a->gaps[k];
	a->ngaps = kept;
	/* In time order. */
	for (k = 1; k < a->ngaps; k++)
		for (j = k; j > 0 && a->gaps[j].after < a->gaps[j - 1].after; j--) {
			int64_t after = a->gaps[j].after, len = a->gaps[j].len;

			a->gaps[j] = a->gaps[j - 1];
			a->gaps[j - 1].after = after;
			a->gaps[j - 1].len = len;
		}
	a->nseg = a->ngaps + 1;
	for (k = 0; k < a->nseg; k++) {
		a->seg[k].from = from;
		a->seg[k].to = k < a->ngaps ? a->gaps[k].after : a->last;
		from = k < a->ngaps ? a->gaps[k].after + a->gaps[k].len : from;
		total += a->seg[k].to - a->seg[k].from;
	}
	floor_len = total > 0 ? total / (int64_t)(a->nseg * 3) : 0;
	for (k = 0; k < a->nseg; k++)
		weights += (double)(a->seg[k].to - a->seg[k].from + floor_len) + (total > 0 ? 0 : 1);
	avail = 1.0 - ND_AXIS_BREAK * (double)a->ngaps;
	for (k = 0; k < a->nseg; k++) {
		double w = ((double)(a->seg[k].to - a->seg[k].from + floor_len) + (total > 0 ? 0 : 1)) / weights;

		a->seg[k].x0 = x;
		a->seg[k].x1 = x + w * avail;
		x = a->seg[k].x1 + ND_AXIS_BREAK;
	}
}

double nd_axis_x(const nd_axis *a, int64_t ts)
{
	size_t k;

	for (k = a->nseg; k-- > 0;) {
		const nd_axis_seg *s = &a->seg[k];

		if (ts < s->from && k > 0)
			continue;
		if (ts >= s->to)
			return s->to > s->from ? s->x1 : (s->x0 + s->x1) / 2;
		if (ts <= s->from)
			return s->to > s->from ? s->x0 : (s->x0 + s->x1) / 2;
		return s->x0 + (double)(ts - s->from) / (double)(s->to - s->from) * (s->x1 - s->x0);
	}
	return 0.5;
}

int64_t nd_axis_step(int64_t len, double max_ticks)
{
	static const int64_t steps[] = {
	    1,         2,         5,          10,         15,         30,          60,         120,       300,
	    600,       900,       1800,       3600,       2 * 3600,   3 * 3600,    6 * 3600,   12 * 3600, 86400,
	    2 * 86400, 7 * 86400, 14 * 86400, 30 * 86400, 91 * 86400, 182 * 86400, 365 * 86400};
	size_t k;

	if (max_ticks < 1)
		max_ticks = 1;
	for (k = 0; k < sizeof(steps) / sizeof(steps[0]); k++)
		if ((double)len / (double)(steps[k] * ND_TICKS_PER_SECOND) <= max_ticks)
			return steps[k] * ND_TICKS_PER_SECOND;
	return steps[k - 1] * ND_TICKS_PER_SECOND *
	       (int64_t)((double)len / (max_ticks * (double)(steps[k - 1] * ND_TICKS_PER_SECOND)) + 1);
}
