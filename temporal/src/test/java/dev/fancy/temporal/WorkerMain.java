package dev.fancy.temporal;

import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A worker process of the multi-process test: {@code WorkerMain <port> <taskQueue> <claims>
 * <markers> <interpreter|steps>}. Prints {@code ready} once polling, then runs until killed.
 */
public final class WorkerMain {
  private WorkerMain() {}

  public static void main(String[] args) throws Exception {
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + args[0]).build());
    FancyWorker worker = FancyWorker.builder(service).taskQueue(args[1])
        .registry(ClusterSteps.registry(Path.of(args[3])))
        .claimChecks(ClaimCheckStore.directory(Path.of(args[2])))
        .heartbeatEvery(Duration.ofMillis(200))
        .stickyTimeout(Duration.ofSeconds(1))
        .workflowCacheSize(0) // the test server keeps a dead worker's sticky tasks forever
        .roles(args[4].equals("interpreter"), args[4].equals("steps"))
        .start();
    System.out.println("ready");
    System.out.flush();
    worker.awaitTermination();
  }
}
