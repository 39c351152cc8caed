package dev.fancy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}; Selenium uses {@code /usr/bin/chromedriver} and never downloads one).
 * Screenshots go to {@code target/screenshots/}. Skipped only outside CI when Chromium is
 * missing; on CI ({@code CI=true}) a missing browser fails the test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserTest {
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  static final Path BROWSER = Path.of("/usr/bin/chromium");
  static final Path SHOTS = Path.of("target", "screenshots");

  TestServer t;
  WebDriver driver;
  WebDriverWait wait;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    boolean present = Files.isExecutable(DRIVER) && Files.isExecutable(BROWSER);
    if (!"true".equals(System.getenv("CI"))) {
      Assumptions.assumeTrue(present, "Chromium is not installed (server/ci-setup.sh)");
    }
    assertThat(present).as("chromium and chromium-driver installed").isTrue();
    t = new TestServer(dir);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--window-size=1280,900");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort()
        .withLogOutput(java.io.OutputStream.nullOutputStream()).build();
    driver = new ChromeDriver(service, options);
    wait = new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(50));
    // The page re-renders its tables on every refresh: look elements up again, never hold them.
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    Files.createDirectories(SHOTS);
  }

  @AfterAll
  void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (t != null) {
      t.close();
    }
  }

  void screenshot(String name) throws Exception {
    File file = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Files.copy(file.toPath(), SHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  String nodeStatus(String step) {
    List<WebElement> nodes = driver.findElements(By.cssSelector(
        "#graph .node[data-step='" + step + "']"));
    return nodes.isEmpty() ? "" : nodes.get(0).getAttribute("data-status");
  }

  void setDefinition(String json) {
    WebElement area = driver.findElement(By.id("definition"));
    js("arguments[0].value = arguments[1];", area, json);
  }

  @Test
  void createRunWatchAndSeeAFailedStep() throws Exception {
    driver.manage().window().setSize(new Dimension(1280, 900));
    driver.get(t.uri("/").toString());
    WebElement area = wait.until(ExpectedConditions.presenceOfElementLocated(
        By.id("definition")));
    assertThat(area.getAttribute("value")).contains("\"fail_probability\"");

    setDefinition("{\"name\": \"broken\", \"steps\": [{\"id\": \"a\", \"depends_on\": "
        + "[\"missing\"]}]}");
    driver.findElement(By.id("create")).click();
    WebElement errors = wait.until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector("#definition-errors li")));
    assertThat(errors.getText()).contains("/steps/0/depends_on/0").contains("missing");
    assertThat(area.getAttribute("aria-invalid")).isEqualTo("true");

    setDefinition("""
        {"name": "browser-demo", "steps": [
          {"id": "fetch", "type": "task", "config": {"duration_seconds": 1.5}},
          {"id": "transform", "type": "task", "config": {"duration_seconds": 1.0},
           "depends_on": ["fetch"]},
          {"id": "broken", "type": "task", "config": {"fail_probability": 1},
           "depends_on": ["fetch"]}]}
        """);
    driver.findElement(By.id("create")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("workflows"),
        "browser-demo"));
    screenshot("home.png");

    driver.findElement(By.cssSelector("button[aria-label='Run browser-demo']")).click();
    wait.until(ExpectedConditions.urlContains("/run.html?id="));
    wait.until(d -> !nodeStatus("fetch").isEmpty());
    js("window.__sameDocument = true;");
    wait.until(d -> nodeStatus("fetch").equals("RUNNING"));
    assertThat(nodeStatus("transform")).isEqualTo("PENDING");
    screenshot("run-midrun.png");
    wait.until(d -> nodeStatus("transform").equals("RUNNING")
        || nodeStatus("transform").equals("SUCCEEDED"));
    wait.until(d -> nodeStatus("transform").equals("SUCCEEDED")
        && nodeStatus("broken").equals("FAILED"));
    assertThat(js("return window.__sameDocument === true;"))
        .as("the page updated without reloading").isEqualTo(true);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("run-status"),
        "FAILED"));
    String error = wait.until(d -> {
      String text = d.findElement(By.cssSelector("#steps tr[data-step='broken'] .step-error"))
          .getText();
      return text.isEmpty() ? null : text;
    });
    assertThat(error).contains("simulated failure");
    // A finished run's succeeded steps link their outputs by name; the link answers.
    String href = wait.until(d -> d.findElement(By.cssSelector(
        "#steps tr[data-step='transform'] a[download]"))).getAttribute("href");
    assertThat(href).endsWith("/outputs/transform");
    assertThat(t.get(java.net.URI.create(href).getPath()).statusCode()).isEqualTo(200);
    assertThat(driver.findElements(By.cssSelector("#timeline .bar"))).hasSizeGreaterThan(2);
    screenshot("run-finished.png");
  }

  /**
   * A Fancy workflow whose step is named by its slug ({@code servertest.greet}) and whose output
   * by its alias ({@code greeting}), on a server with a token: the run page links the output by
   * its name and downloads it with the token (a plain link would get a 401).
   */
  @Test
  void downloadsAnOutputByItsNameWithTheToken(@TempDir Path dir) throws Exception {
    try (TestServer secured = new TestServer(dir, ServerOptions.DEFAULT.withPort(0)
        .withToken("browser-test-token"))) {
      String workflowId = secured.createWorkflow(GREETING_WORKFLOW);
      var started = secured.post("/workflows/" + workflowId + "/runs", "{\"name\": \"Ada\"}");
      assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
      String runId = TestServer.json(started).get("id").asText();
      secured.awaitFinished(runId);
      String expected = secured.get("/runs/" + runId + "/outputs/greeting").body();
      // What a plain link gets: no Authorization header.
      secured.token = null;
      assertThat(secured.get("/runs/" + runId + "/outputs/greeting").statusCode())
          .isEqualTo(401);
      secured.token = "browser-test-token";

      // The token lives in the tab's session storage, per origin: set it on a page of this
      // server that calls no API (the home page would ask for the token).
      driver.get(secured.uri("/assets/app.css").toString());
      js("sessionStorage.setItem('fancy.token', arguments[0]);", "browser-test-token");
      driver.get(secured.uri("/run.html?id=" + runId).toString());
      WebElement link = wait.until(ExpectedConditions.presenceOfElementLocated(
          By.cssSelector("#steps tr[data-step='servertest.greet'] a[download]")));
      assertThat(link.getText()).isEqualTo("Download greeting");
      assertThat(link.getAttribute("href")).endsWith("/runs/" + runId + "/outputs/greeting");
      assertThat(link.getAttribute("download")).isEqualTo("greeting.json");
      // Record what the page saves: the blob behind the object URL it makes.
      js("window.__saved = null; const make = URL.createObjectURL;"
          + "URL.createObjectURL = blob => { blob.text().then(t => window.__saved = t);"
          + " return make(blob); };");
      link.click();
      Object saved = wait.until(d -> js("return window.__saved;"));
      assertThat(saved).isEqualTo(expected);
      assertThat(link.getAttribute("data-error")).isNull();
      assertThat(saved).isEqualTo("\"Hello, Ada!\"");
      js("sessionStorage.removeItem('fancy.token');");
    }
  }

  static final String GREETING_WORKFLOW = """
      {"schemaVersion": 1, "name": "greeting",
       "inputs": [{"id": "00000000-0000-0000-0000-000000000001", "alias": "name",
                   "type": "java.lang.String", "kind": "VALUE"}],
       "constants": [],
       "steps": [{"id": "00000000-0000-0000-0000-000000000010", "slug": "servertest.greet",
                  "version": 1, "inputs": {"name": "00000000-0000-0000-0000-000000000001"},
                  "outputs": [{"name": "out", "id": "00000000-0000-0000-0000-000000000011",
                               "alias": "greeting", "type": "java.lang.String",
                               "kind": "VALUE"}]}],
       "outputs": ["00000000-0000-0000-0000-000000000011"]}
      """;

  @Test
  void cancelAndResumeFromTheRunPage() throws Exception {
    String id = t.createWorkflow("""
        {"name": "slow", "steps": [
          {"id": "quick", "type": "task"},
          {"id": "slow", "type": "task", "config": {"duration_seconds": 60},
           "depends_on": ["quick"]}]}
        """);
    String runId = t.startRun(id);
    driver.get(t.uri("/run.html?id=" + runId).toString());
    wait.until(d -> nodeStatus("slow").equals("RUNNING"));
    driver.findElement(By.id("cancel")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("run-status"),
        "CANCELLED"));
    wait.until(d -> nodeStatus("slow").equals("CANCELLED"));
    assertThat(nodeStatus("quick")).isEqualTo("SUCCEEDED");
    driver.findElement(By.id("resume")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("run-status"),
        "RUNNING"));
    wait.until(d -> nodeStatus("slow").equals("RUNNING"));
    assertThat(nodeStatus("quick")).isEqualTo("SUCCEEDED");
    driver.findElement(By.id("cancel")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("run-status"),
        "CANCELLED"));
  }

  @Test
  void pagesFitAPhoneAndHaveNoSeriousAccessibilityViolations() throws Exception {
    String id = t.createWorkflow(TestServer.TRACKER_EXAMPLE);
    String runId = t.startRun(id);
    t.awaitFinished(runId);
    for (int width : new int[] {1280, 390}) {
      driver.manage().window().setSize(new Dimension(width, 844));
      for (String page : List.of("/", "/run.html?id=" + runId, "/steps.html")) {
        driver.get(t.uri(page).toString());
        wait.until(d -> js("return document.readyState").equals("complete"));
        if (page.startsWith("/run")) {
          wait.until(d -> nodeStatus("load").equals("SUCCEEDED"));
        }
        if (page.equals("/steps.html")) {
          wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".step")));
        }
        long overflow = (Long) js("return document.documentElement.scrollWidth - "
            + "document.documentElement.clientWidth;");
        assertThat(overflow).as(page + " at " + width + " px scrolls sideways").isLessThanOrEqualTo(0);
        Results results = new AxeBuilder().analyze(driver);
        List<Rule> serious = results.getViolations().stream()
            .filter(v -> "serious".equals(v.getImpact()) || "critical".equals(v.getImpact()))
            .toList();
        assertThat(serious).as(page + " at " + width + " px: " + serious.stream()
            .map(v -> v.getId() + " " + v.getNodes().stream().map(n -> n.getHtml())
                .collect(Collectors.joining(" | "))).toList()).isEmpty();
      }
      if (width == 390) {
        driver.get(t.uri("/").toString());
        wait.until(d -> js("return document.readyState").equals("complete"));
        screenshot("home-390.png");
      }
    }
  }
}
