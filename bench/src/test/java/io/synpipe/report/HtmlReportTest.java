package io.synpipe.report;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** report.html: well-formed inline SVG, one curve per scenario in each chart, no scripts, the table. */
class HtmlReportTest
{
    private static final String SVG_NS = "http://www.w3.org/2000/svg";
    private static final Pattern SVG = Pattern.compile("<svg\\b.*?</svg>", Pattern.DOTALL);

    @TempDir
    Path dir;

    private static LatencyScenario scenario(final String name, final long baseNs, final int intervals)
    {
        final Histogram h = new Histogram(3_600_000_000_000L, 3);
        final IntervalCounts counts = new IntervalCounts();
        for (int k = 0; k < intervals; k++)
        {
            for (int i = 0; i < 10_000; i++)
            {
                h.recordValue(baseNs + (i * 7919L) % 5_000 + (i % 1000 == 0 ? 1_000_000 : 0));
            }
            counts.add(k * 1_000_000_000L, (k + 1) * 1_000_000_000L, 10_000 + 100L * k);
        }
        return new LatencyScenario(name, h, Math.max(1, intervals) * 1_000_000_000L, 0, counts);
    }

    private static List<Document> svgDocuments(final String html) throws Exception
    {
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        final List<Document> documents = new ArrayList<>();
        final Matcher m = SVG.matcher(html);
        while (m.find())
        {
            documents.add(factory.newDocumentBuilder()
                .parse(new ByteArrayInputStream(m.group().getBytes(StandardCharsets.UTF_8))));
        }
        return documents;
    }

    /** Curves (polyline or path with data-scenario) per scenario name. */
    private static Map<String, Integer> curves(final Document svg)
    {
        final Map<String, Integer> count = new HashMap<>();
        for (final String tag : new String[] {"polyline", "path"})
        {
            final NodeList nodes = svg.getElementsByTagNameNS(SVG_NS, tag);
            for (int i = 0; i < nodes.getLength(); i++)
            {
                final Element e = (Element)nodes.item(i);
                if (e.hasAttribute("data-scenario"))
                {
                    count.merge(e.getAttribute("data-scenario"), 1, Integer::sum);
                }
            }
        }
        return count;
    }

    @Test
    void write_threeScenarios_eachSvgIsWellFormedWithExactlyOneCurvePerScenario() throws Exception
    {
        final List<LatencyScenario> scenarios = List.of(
            scenario("client", 2_000, 3), scenario("server", 3_000, 3), scenario("odd <&> \"name\" 'x'", 500, 2));
        final Path file = HtmlReport.write(dir, "title & <more>", List.of("note <1>"), scenarios);

        assertThat(file).isEqualTo(dir.resolve("report.html"));
        final String html = Files.readString(file, StandardCharsets.UTF_8);
        final List<Document> svgs = svgDocuments(html);
        assertThat(svgs).hasSize(2);
        assertThat(svgs).extracting(d -> d.getDocumentElement().getAttribute("id"))
            .containsExactly("latency-by-percentile", "throughput");
        for (final Document svg : svgs)
        {
            assertThat(svg.getDocumentElement().getNamespaceURI()).isEqualTo(SVG_NS);
            assertThat(curves(svg)).containsOnly(
                Map.entry("client", 1), Map.entry("server", 1), Map.entry("odd <&> \"name\" 'x'", 1));
        }
        assertThat(html).contains("title &amp; &lt;more&gt;", "note &lt;1&gt;");
    }

    @Test
    void html_isSelfContained_noScriptNoExternalResource()
    {
        final String html = HtmlReport.html("t", List.of(), List.of(scenario("client", 2_000, 2)));
        assertThat(html).doesNotContainIgnoringCase("<script").doesNotContain("src=").doesNotContain("href=")
            .doesNotContain("<link");
        assertThat(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "")).doesNotContain("http");
    }

    @Test
    void latencyCurve_pointsRiseWithPercentileAndEndAtTheAxisEnd() throws Exception
    {
        final String svg = HtmlReport.latencySvg(List.of(scenario("client", 2_000, 1)));
        final Element curve = (Element)svgDocuments(svg).get(0).getElementsByTagNameNS(SVG_NS, "polyline").item(0);
        final String[] points = curve.getAttribute("points").split(" ");
        assertThat(points.length).isGreaterThan(10);
        double previousX = -1;
        double previousY = Double.MAX_VALUE;
        for (final String p : points)
        {
            final double x = Double.parseDouble(p.split(",")[0]);
            final double y = Double.parseDouble(p.split(",")[1]);
            assertThat(x).isGreaterThanOrEqualTo(previousX);
            assertThat(y).isLessThanOrEqualTo(previousY);
            previousX = x;
            previousY = y;
        }
        final String first = points[0];
        final String last = points[points.length - 1];
        assertThat(Double.parseDouble(first.split(",")[0])).isEqualTo(100.0);
        assertThat(Double.parseDouble(last.split(",")[0])).isEqualTo(716.0);
    }

    @Test
    void percentileAxis_isLogScaledWithTheTicksOfHdrHistogramPlots()
    {
        assertThat(HtmlReport.nines(0)).isEqualTo(0);
        assertThat(HtmlReport.nines(0.9)).isCloseTo(1, within(1e-9));
        assertThat(HtmlReport.nines(0.99)).isCloseTo(2, within(1e-9));
        assertThat(HtmlReport.nines(0.999)).isCloseTo(3, within(1e-9));
        assertThat(HtmlReport.nines(0.9999)).isCloseTo(4, within(1e-9));
        assertThat(HtmlReport.nines(1)).isEqualTo(HtmlReport.MAX_NINES);
        final String svg = HtmlReport.latencySvg(List.of(scenario("client", 2_000, 1)));
        assertThat(svg).contains(">0%<", ">90%<", ">99%<", ">99.9%<", ">99.99%<");
    }

    @Test
    void emptyScenario_stillOneCurveAndWellFormed() throws Exception
    {
        final LatencyScenario empty = new LatencyScenario("empty", new Histogram(3), 1, 0, new IntervalCounts());
        final String html = HtmlReport.html("t", List.of(), List.of(empty));
        for (final Document svg : svgDocuments(html))
        {
            assertThat(curves(svg)).containsOnly(Map.entry("empty", 1));
        }
    }

    @Test
    void throughputCurve_stepPerIntervalAtItsRate() throws Exception
    {
        final String svg = HtmlReport.throughputSvg(List.of(scenario("client", 2_000, 4)));
        final Element curve = (Element)svgDocuments(svg).get(0).getElementsByTagNameNS(SVG_NS, "polyline").item(0);
        final String[] points = curve.getAttribute("points").split(" ");
        // 4 intervals of 1 s at 10,000, 10,100, 10,200, 10,300 /s: x axis 0..5 s, y axis 0..20,000 /s
        assertThat(points).hasSize(8);
        assertThat(points[0]).isEqualTo("100.0,192.0");
        assertThat(points[1]).isEqualTo("223.2,192.0");
        assertThat(points[2]).isEqualTo("223.2,190.5");
        assertThat(points[7]).isEqualTo("592.8,187.4");
    }

    @Test
    void niceCeiling_roundsUpToOneTwoTwoAndAHalfOrFive()
    {
        assertThat(HtmlReport.niceCeiling(0)).isEqualTo(1);
        assertThat(HtmlReport.niceCeiling(1)).isEqualTo(1);
        assertThat(HtmlReport.niceCeiling(1.2)).isEqualTo(2);
        assertThat(HtmlReport.niceCeiling(2.2)).isEqualTo(2.5);
        assertThat(HtmlReport.niceCeiling(4_100)).isEqualTo(5_000);
        assertThat(HtmlReport.niceCeiling(1_011_788)).isEqualTo(2_000_000);
    }
}
