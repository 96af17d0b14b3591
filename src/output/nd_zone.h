/* nd_zone: a stored time shown in the zone a person asked for (--tz,
 * --local) in human output: the process's local zone ($TZ, which the
 * program sets; nd_localtime), named by the caller. Data formats (JSON,
 * JSON lines, ECS, CSV) never use it: they stay UTC. */
#ifndef ND_ZONE_H
#define ND_ZONE_H

#define ND_ZONE_TIME_SIZE 40

/* Returns iso as stored when tz is NULL or iso cannot be read, else iso in
 * the local zone with its offset ("2025-03-14 10:12:44+01:00") written into
 * buf (ND_ZONE_TIME_SIZE bytes). */
const char *nd_zone_time(const char *iso, const char *tz, char *buf);

#endif
