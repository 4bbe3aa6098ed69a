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

// The picture is a grid of cells (2 x 2 by default) and each shape sits alone in its cell, slightly
// jittered. Why: every shape has the same area (see draw()), so the share of coloured pixels is count x
// constant whatever the shape or colour, and the tiny proxy can read the count from mean-pooled patch
// tokens (at 112 px a 2 x 2 board cell is 4 merged tokens). Random sizes and positions, or a 4 x 4
// board, left the tiny model near chance after a few hundred steps (`ostc bench learning`).
std::vector<Placed> place(demo::DeterministicRandom &rng, int count, int size, int grid)
{
    const int cell = size / grid;
    const int radius = std::max(3, cell * 28 / 100); // of the circle; the triangle reaches 1.56x further
    const int jitter = std::max(0, cell / 2 - radius * 3 / 2 - 2); // keeps every shape inside its own cell
    std::vector<int> cells(static_cast<size_t>(grid * grid));
    for (size_t i = 0; i < cells.size(); ++i)
        cells[i] = static_cast<int>(i);
    rng.shuffle(cells);
    std::vector<Placed> out;
    for (int i = 0; i < count && i < grid * grid; ++i) {
        const int cx = (cells[static_cast<size_t>(i)] % grid) * cell + cell / 2;
        const int cy = (cells[static_cast<size_t>(i)] / grid) * cell + cell / 2;
        out.push_back({cx + rng.between(-jitter, jitter), cy + rng.between(-jitter, jitter), radius});
    }
    return out;
}

// All three shapes cover about pi r^2 pixels: square half side r sqrt(pi)/2, triangle circumradius
// r sqrt(4 pi / (3 sqrt 3)).
void draw(cv::Mat &img, const std::string &shape, const Placed &p, const cv::Scalar &color)
{
    const double r = p.radius;
    if (shape == "circle") {
        cv::circle(img, {p.x, p.y}, p.radius, color, cv::FILLED, cv::LINE_8);
    } else if (shape == "square") {
        const int h = static_cast<int>(std::lround(r * 0.886));
        cv::rectangle(img, {p.x - h, p.y - h}, {p.x + h, p.y + h}, color, cv::FILLED, cv::LINE_8);
    } else { // triangle, pointing up
        const double R = r * 1.555;
        const auto at = [&](double dx, double dy) {
            return cv::Point(static_cast<int>(std::lround(p.x + dx)), static_cast<int>(std::lround(p.y + dy)));
        };
        const std::vector<cv::Point> pts = {at(0, -R), at(-R * 0.866, R * 0.5), at(R * 0.866, R * 0.5)};
        cv::fillPoly(img, std::vector<std::vector<cv::Point>>{pts}, color, cv::LINE_8);
    }
}

} // namespace

std::vector<uint8_t> renderSyntheticImage(const SyntheticRecord &record, int imageSize)
{
    cv::Mat img(imageSize, imageSize, CV_8UC3, cv::Scalar(255, 255, 255));
    demo::DeterministicRandom rng(record.sceneSeed);
    for (const Placed &p : place(rng, record.drawnCount, imageSize, std::max(1, record.grid)))
        draw(img, record.drawnShape, p, bgr(record.drawnColor));
    return std::vector<uint8_t>(img.data, img.data + img.total() * img.elemSize());
}

} // namespace ost
