package io.github.diffusion4j.models.scenes;

import java.awt.image.BufferedImage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The classical checker of single-shape scenes, a port of {@code tools/scene-model/checker.py} (same rules, same
 * thresholds), so that quality is measured from Java on what the SDK produced.
 * <ol>
 *   <li>background = named colour nearest to the per-channel lower median of all pixels;</li>
 *   <li>foreground = pixels strictly closer to the prompt's shape colour than to its background colour;</li>
 *   <li>the largest 4-connected foreground component (first found in row-major order on ties); under 12 pixels
 *   there is no shape;</li>
 *   <li>shape colour = named colour nearest to the component's lower median;</li>
 *   <li>position = named anchor nearest to the centroid of the pixel centres;</li>
 *   <li>size = large when the longer bounding-box side is at least 24 px (small shapes are 18–21 px, large 27–31 px);</li>
 *   <li>shape = the template with the highest IoU against the component inside its bounding box.</li>
 * </ol>
 */
final class SceneChecker {

    static final Map<String, int[]> COLOURS = new LinkedHashMap<>();
    static final List<String> SHAPES = List.of("circle", "square", "triangle", "diamond", "cross", "ring", "star");
    static final Map<String, double[]> POSITIONS = new LinkedHashMap<>();
    static final Map<String, String> POSITION_PHRASES = new LinkedHashMap<>();
    private static final int MIN_PIXELS = 12;
    private static final int LARGE_MIN_SIDE = 24;
    private static final double[][] STAR = star();

    static {
        COLOURS.put("red", new int[] {215, 35, 35});
        COLOURS.put("green", new int[] {35, 165, 60});
        COLOURS.put("blue", new int[] {40, 80, 220});
        COLOURS.put("yellow", new int[] {240, 225, 40});
        COLOURS.put("orange", new int[] {250, 130, 20});
        COLOURS.put("purple", new int[] {135, 55, 190});
        COLOURS.put("white", new int[] {245, 245, 245});
        COLOURS.put("black", new int[] {25, 25, 25});
        POSITIONS.put("left", new double[] {16, 32});
        POSITIONS.put("right", new double[] {48, 32});
        POSITIONS.put("top", new double[] {32, 16});
        POSITIONS.put("bottom", new double[] {32, 48});
        POSITIONS.put("centre", new double[] {32, 32});
        POSITION_PHRASES.put("left", "on the left");
        POSITION_PHRASES.put("right", "on the right");
        POSITION_PHRASES.put("top", "at the top");
        POSITION_PHRASES.put("bottom", "at the bottom");
        POSITION_PHRASES.put("centre", "in the centre");
    }

    private SceneChecker() {
    }

    /** What a prompt asks for. */
    record Spec(String colour, String shape, String position, String size, String background) {

        /** The grammar's full single-shape caption (scenes.single_caption). */
        String prompt() {
            return article(size) + " " + size + " " + colour + " " + shape + " " + POSITION_PHRASES.get(position) + " of "
                    + article(background) + " " + background + " background";
        }

        private static String article(String word) {
            return "aeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
        }
    }

    /** What the checker saw; {@code colour}, {@code shape}, {@code position}, {@code size} are null when no shape. */
    record Result(String background, String colour, String shape, String position, String size, Spec spec) {

        boolean colourOk() {
            return spec.colour().equals(colour) && spec.background().equals(background);
        }

        boolean shapePositionOk() {
            return spec.shape().equals(shape) && spec.position().equals(position);
        }

        boolean sizeOk() {
            return spec.size().equals(size);
        }
    }

    static Result check(BufferedImage image, Spec spec) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[][] rgb = new int[w * h][];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = image.getRGB(x, y);
                rgb[y * w + x] = new int[] {(p >> 16) & 0xFF, (p >> 8) & 0xFF, p & 0xFF};
            }
        }
        String background = nearest(lowerMedian(Arrays.asList(rgb)));
        int[] shapeColour = COLOURS.get(spec.colour());
        int[] backgroundColour = COLOURS.get(spec.background());
        boolean[] mask = new boolean[w * h];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = distance(rgb[i], shapeColour) < distance(rgb[i], backgroundColour);
        }
        List<Integer> component = largestComponent(mask, w, h);
        if (component.size() < MIN_PIXELS) {
            return new Result(background, null, null, null, null, spec);
        }
        List<int[]> pixels = new ArrayList<>(component.size());
        double sx = 0;
        double sy = 0;
        int x0 = Integer.MAX_VALUE;
        int y0 = Integer.MAX_VALUE;
        int x1 = -1;
        int y1 = -1;
        for (int idx : component) {
            int x = idx % w;
            int y = idx / w;
            pixels.add(rgb[idx]);
            sx += x;
            sy += y;
            x0 = Math.min(x0, x);
            y0 = Math.min(y0, y);
            x1 = Math.max(x1, x);
            y1 = Math.max(y1, y);
        }
        String colour = nearest(lowerMedian(pixels));
        double cx = sx / component.size() + 0.5;
        double cy = sy / component.size() + 0.5;
        String position = null;
        double best = Double.MAX_VALUE;
        for (Map.Entry<String, double[]> e : POSITIONS.entrySet()) {
            double d = Math.pow(e.getValue()[0] - cx, 2) + Math.pow(e.getValue()[1] - cy, 2);
            if (d < best) {
                best = d;
                position = e.getKey();
            }
        }
        int bw = x1 - x0 + 1;
        int bh = y1 - y0 + 1;
        String size = Math.max(bw, bh) >= LARGE_MIN_SIDE ? "large" : "small";
        boolean[] inComponent = new boolean[bw * bh];
        for (int idx : component) {
            inComponent[(idx / w - y0) * bw + (idx % w - x0)] = true;
        }
        String shape = null;
        double bestIou = -1;
        for (String candidate : SHAPES) {
            int inter = 0;
            int union = 0;
            for (int gy = 0; gy < bh; gy++) {
                for (int gx = 0; gx < bw; gx++) {
                    boolean t = template(candidate, (gx + 0.5) / bw, (gy + 0.5) / bh);
                    boolean m = inComponent[gy * bw + gx];
                    inter += (m && t) ? 1 : 0;
                    union += (m || t) ? 1 : 0;
                }
            }
            double iou = (double) inter / Math.max(1, union);
            if (iou > bestIou) {
                bestIou = iou;
                shape = candidate;
            }
        }
        return new Result(background, colour, shape, position, size, spec);
    }

    /** scenes.shape_template: whether unit-bbox point (u, v) is inside {@code shape}. */
    static boolean template(String shape, double u, double v) {
        if (u < 0 || u > 1 || v < 0 || v > 1) {
            return false;
        }
        double du = u - 0.5;
        double dv = v - 0.5;
        double r2 = du * du + dv * dv;
        return switch (shape) {
            case "square" -> true;
            case "circle" -> r2 <= 0.25;
            case "ring" -> r2 <= 0.25 && r2 >= 0.0625;
            case "triangle" -> Math.abs(du) <= v / 2;
            case "diamond" -> Math.abs(du) + Math.abs(dv) <= 0.5;
            case "cross" -> Math.abs(du) <= 1.0 / 6 || Math.abs(dv) <= 1.0 / 6;
            case "star" -> inPolygon(u, v, STAR);
            default -> throw new IllegalArgumentException(shape);
        };
    }

    /** A 5-pointed star (outer radius 1, inner 0.45, first point up) normalised to its bounding box. */
    private static double[][] star() {
        double[][] p = new double[10][2];
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            double a = Math.toRadians(-90 + 36 * i);
            double r = i % 2 == 0 ? 1.0 : 0.45;
            p[i][0] = r * Math.cos(a);
            p[i][1] = r * Math.sin(a);
            minX = Math.min(minX, p[i][0]);
            maxX = Math.max(maxX, p[i][0]);
            minY = Math.min(minY, p[i][1]);
            maxY = Math.max(maxY, p[i][1]);
        }
        for (double[] q : p) {
            q[0] = (q[0] - minX) / (maxX - minX);
            q[1] = (q[1] - minY) / (maxY - minY);
        }
        return p;
    }

    /** Even-odd crossing test, as scenes.point_in_polygon. */
    private static boolean inPolygon(double u, double v, double[][] poly) {
        boolean inside = false;
        for (int i = 0; i < poly.length; i++) {
            double[] a = poly[i];
            double[] b = poly[(i + 1) % poly.length];
            if (a[1] == b[1]) {
                continue;
            }
            if (v >= Math.min(a[1], b[1]) && v < Math.max(a[1], b[1])) {
                double xc = a[0] + (v - a[1]) * (b[0] - a[0]) / (b[1] - a[1]);
                if (u < xc) {
                    inside = !inside;
                }
            }
        }
        return inside;
    }

    private static int distance(int[] a, int[] b) {
        int dr = a[0] - b[0];
        int dg = a[1] - b[1];
        int db = a[2] - b[2];
        return dr * dr + dg * dg + db * db;
    }

    static String nearest(int[] rgb) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Map.Entry<String, int[]> e : COLOURS.entrySet()) {
            int d = distance(rgb, e.getValue());
            if (d < bestDistance) {
                bestDistance = d;
                best = e.getKey();
            }
        }
        return best;
    }

    private static int[] lowerMedian(List<int[]> pixels) {
        int n = pixels.size();
        int[] out = new int[3];
        int[] channel = new int[n];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < n; i++) {
                channel[i] = pixels.get(i)[c];
            }
            Arrays.sort(channel);
            out[c] = channel[(n - 1) / 2];
        }
        return out;
    }

    private static List<Integer> largestComponent(boolean[] mask, int w, int h) {
        boolean[] seen = new boolean[mask.length];
        List<Integer> best = List.of();
        for (int start = 0; start < mask.length; start++) {
            if (!mask[start] || seen[start]) {
                continue;
            }
            List<Integer> component = new ArrayList<>();
            ArrayDeque<Integer> stack = new ArrayDeque<>();
            stack.push(start);
            seen[start] = true;
            while (!stack.isEmpty()) {
                int idx = stack.pop();
                component.add(idx);
                int x = idx % w;
                int y = idx / w;
                int[][] next = {{x, y - 1}, {x, y + 1}, {x - 1, y}, {x + 1, y}};
                for (int[] n : next) {
                    if (n[0] >= 0 && n[0] < w && n[1] >= 0 && n[1] < h) {
                        int ni = n[1] * w + n[0];
                        if (mask[ni] && !seen[ni]) {
                            seen[ni] = true;
                            stack.push(ni);
                        }
                    }
                }
            }
            if (component.size() > best.size()) {
                best = component;
            }
        }
        return best;
    }

    /** Renders a ground-truth scene like scenes.render (2x supersampled), to test the checker itself. */
    static BufferedImage render(Spec spec, double side, double cx, double cy) {
        int size = 64;
        int ss = 2;
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        int[] bg = COLOURS.get(spec.background());
        int[] fg = COLOURS.get(spec.colour());
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double[] acc = new double[3];
                for (int sy = 0; sy < ss; sy++) {
                    for (int sxx = 0; sxx < ss; sxx++) {
                        double px = x + (sxx + 0.5) / ss;
                        double py = y + (sy + 0.5) / ss;
                        double u = (px - (cx - side / 2)) / side;
                        double v = (py - (cy - side / 2)) / side;
                        int[] c = template(spec.shape(), u, v) ? fg : bg;
                        for (int k = 0; k < 3; k++) {
                            acc[k] += c[k];
                        }
                    }
                }
                int r = (int) Math.rint(acc[0] / (ss * ss));
                int g = (int) Math.rint(acc[1] / (ss * ss));
                int b = (int) Math.rint(acc[2] / (ss * ss));
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }
}
