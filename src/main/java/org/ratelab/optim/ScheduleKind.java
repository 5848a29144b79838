package org.ratelab.optim;

import org.ratelab.api.Kind;

/**
 * A step-size schedule kind, found by {@link java.util.ServiceLoader}: list the implementing class in
 * {@code META-INF/services/org.ratelab.optim.ScheduleKind}. Its {@link #parse} returns the kind's immutable
 * configuration record, a {@link Schedule}; the discriminator {@code kind} is read by {@link Schedules#parse}.
 */
public interface ScheduleKind extends Kind<Schedule> {
}
