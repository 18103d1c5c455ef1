package io.sluice.worker;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault injection for the end-to-end tests, off unless {@code -Dsluice.fault.haltAfter=<activity type>} is given:
 * the worker process halts (as {@code kill -9} would: no shutdown hooks, nothing flushed) the moment an activity of
 * that type has finished its work and before Temporal hears of it. With {@code ReadAndPush} this is a worker dying
 * between a task's push and its commit.
 */
final class HaltAfterActivity extends WorkerInterceptorBase {
  private static final Logger log = LoggerFactory.getLogger(HaltAfterActivity.class);
  static final String PROPERTY = "sluice.fault.haltAfter";

  private final String activityType;

  HaltAfterActivity(String activityType) {
    this.activityType = activityType;
  }

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private String type;

      @Override
      public void init(ActivityExecutionContext context) {
        type = context.getInfo().getActivityType();
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        ActivityOutput out = super.execute(input);
        if (activityType.equals(type)) {
          log.error("fault injection ({}={}): halting the worker after {} finished", PROPERTY, activityType, type);
          Runtime.getRuntime().halt(137);
        }
        return out;
      }
    };
  }
}
