// Pixels of a demo sample: filled shapes of one colour on a white background, never touching, so a
// picture's count is unambiguous (the test counts connected blobs to check it).
#include "core/demo/SyntheticMathSet.h"
#include "core/demo/internal/DeterministicRandom.h"

#include <opencv2/imgproc.hpp>

#include <cmath>

namespace ost {

namespace {

cv::Scalar bgr(const std::string &color)
{
    if (color == "red")
        return {40, 40, 220};
    if (color == "green")
        return {40, 170, 40};
    return {220, 90, 30}; // blue
}

struct Placed {
    int x, y, radius;
};

// Rejection sampling of centres; a shape's extent is bounded by `radius` around its centre, plus a
// gap so that neighbours never share a pixel.
std::vector<Placed> place(demo::DeterministicRandom &rng, int count, int size)
{
    const int gap = std::max(3, size / 32);
    int minRadius = std::max(5, size * 6 / 100);
    int maxRadius = std::max(minRadius, size * 10 / 100);
    for (;;) {
        std::vector<Placed> out;
        for (int attempt = 0; attempt < 2000 && static_cast<int>(out.size()) < count; ++attempt) {
            const int r = rng.between(minRadius, maxRadius);
            const int margin = r + 2;
            const Placed p{rng.between(margin, size - 1 - margin), rng.between(margin, size - 1 - margin), r};
            bool clear = true;
            for (const Placed &q : out) {
                const double dist = std::hypot(p.x - q.x, p.y - q.y);
                clear = clear && dist > p.radius + q.radius + gap;
            }
            if (clear)
                out.push_back(p);
        }
        if (static_cast<int>(out.size()) == count)
            return out;
        // Crowded: smaller shapes next time (never needed at the default sizes, kept for tiny images).
        minRadius = std::max(3, minRadius - 1);
        maxRadius = std::max(minRadius, maxRadius - 1);
    }
}

void draw(cv::Mat &img, const std::string &shape, const Placed &p, const cv::Scalar &color)
{
    if (shape == "circle") {
        cv::circle(img, {p.x, p.y}, p.radius, color, cv::FILLED, cv::LINE_8);
    } else if (shape == "square") {
        const int h = static_cast<int>(p.radius * 0.7); // half side: the corners stay within the radius
        cv::rectangle(img, {p.x - h, p.y - h}, {p.x + h, p.y + h}, color, cv::FILLED, cv::LINE_8);
    } else { // triangle, pointing up, inscribed in the radius
        const double r = p.radius;
        const std::vector<cv::Point> pts = {
            {p.x, static_cast<int>(std::lround(p.y - r))},
            {static_cast<int>(std::lround(p.x - r * 0.866)), static_cast<int>(std::lround(p.y + r * 0.5))},
            {static_cast<int>(std::lround(p.x + r * 0.866)), static_cast<int>(std::lround(p.y + r * 0.5))}};
        cv::fillPoly(img, std::vector<std::vector<cv::Point>>{pts}, color, cv::LINE_8);
    }
}

} // namespace

std::vector<uint8_t> renderSyntheticImage(const SyntheticRecord &record, int imageSize)
{
    cv::Mat img(imageSize, imageSize, CV_8UC3, cv::Scalar(255, 255, 255));
    demo::DeterministicRandom rng(record.sceneSeed);
    for (const Placed &p : place(rng, record.drawnCount, imageSize))
        draw(img, record.drawnShape, p, bgr(record.drawnColor));
    return std::vector<uint8_t>(img.data, img.data + img.total() * img.elemSize());
}

} // namespace ost
