/* nd_axis: the time axis of the report's timeline, with long quiet gaps
 * compressed. Times (ticks, ascending) are fed one by one; the largest
 * gaps longer than a tenth of the span (at most ND_AXIS_SEGMENTS - 1)
 * become breaks, and the clusters between them share the width by their
 * duration, each with a floor, so that two bursts ten months apart are
 * both readable. Fixed size: memory does not grow with the times fed. */
#ifndef ND_AXIS_H
#define ND_AXIS_H

#include <stddef.h>
#include <stdint.h>

#define ND_AXIS_SEGMENTS 8
#define ND_AXIS_BREAK 0.08 /* the width of a break, a fraction of the axis */
/* Times beyond +-this (about 7,300 years from 1970) are drawn at it: the
 * stored times are input, and the axis's sums must not overflow. */
#define ND_AXIS_LIMIT (INT64_MAX / 4)

/* A cluster of the axis: times [from, to] drawn over [x0, x1] of [0, 1]. */
typedef struct nd_axis_seg {
	int64_t from, to;
	double x0, x1;
} nd_axis_seg;

typedef struct nd_axis {
	int64_t first, last, prev;
	size_t n; /* times fed */
	struct {
		int64_t after, len; /* the gap after time `after`, len ticks long */
	} gaps[ND_AXIS_SEGMENTS - 1];
	size_t ngaps;
	nd_axis_seg seg[ND_AXIS_SEGMENTS];
	size_t nseg;
} nd_axis;

/* Starts an empty axis. Returns nothing. */
void nd_axis_init(nd_axis *a);

/* Feeds a time, in ascending order. Returns nothing. */
void nd_axis_add(nd_axis *a, int64_t ts);

/* Chooses the breaks and lays the segments out. Returns nothing. */
void nd_axis_finish(nd_axis *a);

/* Returns the position of ts on the finished axis, in [0, 1]; a time in
 * a break is drawn at the end of the segment before it. */
double nd_axis_x(const nd_axis *a, int64_t ts);

/* Returns a round tick step (1 s ... 1 year, in ticks) that puts at most
 * max_ticks ticks on a segment of len ticks (at least 1). */
int64_t nd_axis_step(int64_t len, double max_ticks);

#endif
