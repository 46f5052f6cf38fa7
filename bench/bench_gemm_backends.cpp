// Issue 16: is a single-threaded OpenBLAS sgemm faster than Eigen 3.4's GEMM for exactly the
// products of one training step? Each product of a step (batch 32, float, row-major) and of the
// 1,024-row validation forward is timed with the engine's Eigen path (src/nn/layers.cpp: the
// caller-blocked gemm_accumulate of gemm.hpp, or Eigen's own product for a one-column shape) and
// with cblas_sgemm; BM_StepGemms times the sum over one step per backend. The weight gradient
// X^T dZ is also timed with the engine's own kernel (src/nn/weight_gradient.hpp, backend "kernel");
// "eigen" is Eigen's GEMM as the engine called it before that kernel, and BM_StepGemms/engine is a
// step as the engine runs it now (the kernel for X^T dZ, Eigen for the rest).
//
// Both backends prepare the destination as the engine would: the forward adds onto the bias rows
// (beta = 1 for BLAS); the backward's Eigen path zeroes dW and dX first, as the engine does, while
// BLAS overwrites with beta = 0, which is how a BLAS build would call it.
//
// Which OpenBLAS runs is decided at load time (SONAME libopenblas.so.0): the build links the
// serial flavour; LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread runs the pthread one
// (set to one thread below), and OPENBLAS_CORETYPE=SkylakeX forces its AVX-512 kernels where the
// CPU is not one OpenBLAS 0.3.21 recognises (it picks Haswell's AVX2 kernels on AMD family 26).
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "../src/nn/dense_product.hpp"
#include "../src/nn/gemm.hpp"
#include "../src/nn/input_gradient.hpp"
#include "../src/nn/weight_gradient.hpp"
#include "lrtune/core/types.hpp"

namespace {

using lrtune::Index;
using lrtune::Matrix;

constexpr Index kBatch = 32;
constexpr Index kValidationRows = 1024;
constexpr Index kPredictRows = 9280;  // a large predict call (issue 16 asks for 1,024-9,280 rows)

enum class Kind { forward, weight_gradient, input_gradient };

// One product of a step: for a Dense layer in -> out at `rows` rows.
struct Product {
  Kind kind;
  Index rows, in, out;
};

struct Model {
  const char* name;
  std::vector<Index> widths;
};

const std::vector<Model> kModels{
    {"recipe", {12, 128, 256, 256, 1}},
    {"shuttle", {9, 128, 256, 256, 7}},
    {"letter", {16, 128, 256, 256, 26}},
};

// The products one training step runs, in the engine's order: the forward, then per layer from
// the last the weight gradient and (except the first layer) the input gradient.
std::vector<Product> step_products(const Model& model) {
  const std::size_t layers = model.widths.size() - 1;
  std::vector<Product> products;
  for (std::size_t l = 0; l < layers; ++l)
    products.push_back({Kind::forward, kBatch, model.widths[l], model.widths[l + 1]});
  for (std::size_t l = layers; l-- > 0;) {
    products.push_back({Kind::weight_gradient, kBatch, model.widths[l], model.widths[l + 1]});
    if (l > 0) products.push_back({Kind::input_gradient, kBatch, model.widths[l], model.widths[l + 1]});
  }
  return products;
}

std::vector<Product> validation_products(const Model& model, Index rows = kValidationRows) {
  std::vector<Product> products;
  for (std::size_t l = 0; l + 1 < model.widths.size(); ++l)
    products.push_back({Kind::forward, rows, model.widths[l], model.widths[l + 1]});
  return products;
}

// The operands of one product: X (rows, in), W (in, out), b (1, out), Z (rows, out) and the
// backward's dZ (rows, out), dW (in, out), dX (rows, in).
struct Operands {
  Matrix X, W, b, Z, dZ, dW, dX;
  explicit Operands(const Product& p)
      : X(Matrix::Random(p.rows, p.in)),
        W(Matrix::Random(p.in, p.out)),
        b(Matrix::Random(1, p.out)),
        Z(p.rows, p.out),
        dZ(Matrix::Random(p.rows, p.out)),
        dW(p.in, p.out),
        dX(p.rows, p.in) {}
};

// Eigen as layers.cpp calls it (dense_forward, dense_input_gradient; dense_backward before the weight-gradient kernel).
void eigen_product(const Product& p, Operands& o, lrtune::Vector& scratch) {
  switch (p.kind) {
    case Kind::forward:
      o.Z.rowwise() = o.b.row(0);
      if (o.Z.rows() > 1 && o.Z.cols() > 1)
        lrtune::detail::gemm_accumulate<float, Eigen::RowMajor, Eigen::RowMajor>(
            o.Z.rows(), o.Z.cols(), o.X.cols(), o.X.data(), o.X.outerStride(), o.W.data(), o.W.outerStride(),
            o.Z.data(), o.Z.outerStride(), scratch);
      else
        o.Z.noalias() += o.X * o.W;
      break;
    case Kind::weight_gradient:
      if (o.dW.rows() > 1 && o.dW.cols() > 1) {
        o.dW.setZero();
        lrtune::detail::gemm_accumulate<float, Eigen::ColMajor, Eigen::RowMajor>(
            o.dW.rows(), o.dW.cols(), o.X.rows(), o.X.data(), o.X.outerStride(), o.dZ.data(), o.dZ.outerStride(),
            o.dW.data(), o.dW.outerStride(), scratch);
      } else {
        o.dW.noalias() = o.X.transpose() * o.dZ;
      }
      break;
    case Kind::input_gradient:
      if (o.dZ.cols() > 1 && o.dX.rows() > 1 && o.dX.cols() > 1) {
        o.dX.setZero();
        lrtune::detail::gemm_accumulate<float, Eigen::RowMajor, Eigen::ColMajor>(
            o.dX.rows(), o.dX.cols(), o.dZ.cols(), o.dZ.data(), o.dZ.outerStride(), o.W.data(), o.W.outerStride(),
            o.dX.data(), o.dX.outerStride(), scratch);
      } else if (o.dZ.cols() == 1) {
        o.dX.noalias() = o.dZ.col(0) * o.W.col(0).transpose();
      } else {
        o.dX.noalias() = o.dZ * o.W.transpose();
      }
      break;
  }
}

// The engine's path now: the forward Z = b + X W and the weight gradient by its own kernels
// (dense_product.hpp, weight_gradient.hpp), the input gradient by Eigen.
void engine_product(const Product& p, Operands& o, lrtune::Vector& scratch) {
  if (p.kind == Kind::input_gradient) {
    if (o.dZ.cols() == 1) return eigen_product(p, o, scratch);  // an outer product, as layers.cpp
    lrtune::detail::input_gradient<float>(o.dX.rows(), o.dX.cols(), o.dZ.cols(), o.dZ.data(), o.dZ.outerStride(),
                                          o.W.data(), o.W.outerStride(), o.dX.data(), o.dX.outerStride(), scratch);
    return;
  }
  if (p.kind == Kind::forward) {
    o.Z.rowwise() = o.b.row(0);
    lrtune::detail::dense_product<float>(o.Z.rows(), o.X.cols(), o.Z.cols(), o.X.data(), o.X.outerStride(), o.W.data(),
                                         o.W.outerStride(), o.Z.data(), o.Z.outerStride());
    return;
  }
  lrtune::detail::weight_gradient<float>(o.X.rows(), o.X.cols(), o.dZ.cols(), o.X.data(), o.X.outerStride(),
                                         o.dZ.data(), o.dZ.outerStride(), o.dW.data(), o.dW.outerStride());
}

void blas_product(const Product& p, Operands& o) {
  const auto rows = static_cast<int>(p.rows), in = static_cast<int>(p.in), out = static_cast<int>(p.out);
  switch (p.kind) {
    case Kind::forward:  // Z (rows, out) = b + X W
      o.Z.rowwise() = o.b.row(0);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, out, in, 1.0F, o.X.data(), in, o.W.data(), out, 1.0F,
                  o.Z.data(), out);
      break;
    case Kind::weight_gradient:  // dW (in, out) = X^T dZ
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, in, out, rows, 1.0F, o.X.data(), in, o.dZ.data(), out, 0.0F,
                  o.dW.data(), out);
      break;
    case Kind::input_gradient:  // dX (rows, in) = dZ W^T
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, in, out, 1.0F, o.dZ.data(), out, o.W.data(), out, 0.0F,
                  o.dX.data(), in);
      break;
  }
}

const Matrix& result(const Product& p, const Operands& o) {
  return p.kind == Kind::forward ? o.Z : p.kind == Kind::weight_gradient ? o.dW : o.dX;
}

// The independent check: both backends against a double-precision product, and BLAS against
// itself run twice (bit for bit: a threaded or nondeterministic library would break the
// distributed tune's bit-identity).
void check_product(const Product& p) {
  Operands o(p);
  lrtune::Vector scratch;
  eigen_product(p, o, scratch);
  const Matrix eigen_result = result(p, o);
  engine_product(p, o, scratch);
  const Matrix engine_result = result(p, o);
  blas_product(p, o);
  const Matrix blas_result = result(p, o);
  blas_product(p, o);
  if ((result(p, o).array() != blas_result.array()).any()) {
    std::fprintf(stderr, "bench_gemm_backends: cblas_sgemm differs run to run\n");
    std::exit(1);
  }
  const lrtune::MatrixD Xd = o.X.cast<double>(), Wd = o.W.cast<double>(), dZd = o.dZ.cast<double>();
  lrtune::MatrixD exact;
  if (p.kind == Kind::forward)
    exact = (Xd * Wd).rowwise() + o.b.cast<double>().row(0);
  else if (p.kind == Kind::weight_gradient)
    exact = Xd.transpose() * dZd;
  else
    exact = dZd * Wd.transpose();
  const double tolerance = 1e-5 * static_cast<double>(p.in + p.out + p.rows);
  const double eigen_error = (eigen_result.cast<double>() - exact).cwiseAbs().maxCoeff();
  const double engine_error = (engine_result.cast<double>() - exact).cwiseAbs().maxCoeff();
  const double blas_error = (blas_result.cast<double>() - exact).cwiseAbs().maxCoeff();
  if (!(eigen_error <= tolerance && engine_error <= tolerance && blas_error <= tolerance)) {
    std::fprintf(stderr, "bench_gemm_backends: error against double: eigen %g, engine %g, blas %g (tolerance %g)\n",
                 eigen_error, engine_error, blas_error, tolerance);
    std::exit(1);
  }
}

const char* kind_name(Kind kind) {
  return kind == Kind::forward ? "XW" : kind == Kind::weight_gradient ? "XtdZ" : "dZWt";
}

// e.g. "shuttle/XW/32x9x128": the product, then rows x inner x columns of the result's terms.
std::string product_name(const Model& model, const Product& p) {
  const Index m = p.kind == Kind::weight_gradient ? p.in : p.rows;
  const Index k = p.kind == Kind::forward ? p.in : p.kind == Kind::weight_gradient ? p.rows : p.out;
  const Index n = p.kind == Kind::input_gradient ? p.in : p.out;
  return std::string(model.name) + "/" + kind_name(p.kind) + "/" + std::to_string(m) + "x" + std::to_string(k) + "x" +
         std::to_string(n);
}

void register_products(const Model& model, const std::vector<Product>& products, const std::string& group) {
  for (const Product& p : products) {
    check_product(p);
    benchmark::RegisterBenchmark(("eigen/" + group + "/" + product_name(model, p)).c_str(),
                                 [p](benchmark::State& state) {
                                   Operands o(p);
                                   lrtune::Vector scratch;
                                   for (auto _ : state) {
                                     eigen_product(p, o, scratch);
                                     benchmark::ClobberMemory();
                                   }
                                 });
    benchmark::RegisterBenchmark(("kernel/" + group + "/" + product_name(model, p)).c_str(),
                                 [p](benchmark::State& state) {
                                   Operands o(p);
                                   lrtune::Vector scratch;
                                   for (auto _ : state) {
                                     engine_product(p, o, scratch);
                                     benchmark::ClobberMemory();
                                   }
                                 });
    benchmark::RegisterBenchmark(("blas/" + group + "/" + product_name(model, p)).c_str(),
                                 [p](benchmark::State& state) {
                                   Operands o(p);
                                   for (auto _ : state) {
                                     blas_product(p, o);
                                     benchmark::ClobberMemory();
                                   }
                                 });
  }
}

// Every product of one step (or one validation forward) back to back, per backend.
void register_sum(const Model& model, const std::vector<Product>& products, const std::string& group) {
  auto all_operands = [products] {
    std::vector<Operands> operands;
    operands.reserve(products.size());
    for (const Product& p : products) operands.emplace_back(p);
    return operands;
  };
  benchmark::RegisterBenchmark(("BM_" + group + "Gemms/eigen/" + model.name).c_str(),
                               [products, all_operands](benchmark::State& state) {
                                 std::vector<Operands> operands = all_operands();
                                 lrtune::Vector scratch;
                                 for (auto _ : state) {
                                   for (std::size_t i = 0; i < products.size(); ++i)
                                     eigen_product(products[i], operands[i], scratch);
                                   benchmark::ClobberMemory();
                                 }
                               });
  benchmark::RegisterBenchmark(("BM_" + group + "Gemms/engine/" + model.name).c_str(),
                               [products, all_operands](benchmark::State& state) {
                                 std::vector<Operands> operands = all_operands();
                                 lrtune::Vector scratch;
                                 for (auto _ : state) {
                                   for (std::size_t i = 0; i < products.size(); ++i)
                                     engine_product(products[i], operands[i], scratch);
                                   benchmark::ClobberMemory();
                                 }
                               });
  benchmark::RegisterBenchmark(("BM_" + group + "Gemms/blas/" + model.name).c_str(),
                               [products, all_operands](benchmark::State& state) {
                                 std::vector<Operands> operands = all_operands();
                                 for (auto _ : state) {
                                   for (std::size_t i = 0; i < products.size(); ++i)
                                     blas_product(products[i], operands[i]);
                                   benchmark::ClobberMemory();
                                 }
                               });
}

}  // namespace

int main(int argc, char** argv) {
  openblas_set_num_threads(1);
  benchmark::AddCustomContext("openblas", std::string(openblas_get_config()) + ", core " + openblas_get_corename() +
                                              ", threads " + std::to_string(openblas_get_num_threads()));
  for (const Model& model : kModels) {
    register_sum(model, step_products(model), "Step");
    register_sum(model, validation_products(model), "Validation");
    register_sum(model, validation_products(model, kPredictRows), "Predict");
  }
  for (const Model& model : kModels) {
    register_products(model, step_products(model), "step");
    register_products(model, validation_products(model), "validation");
    register_products(model, validation_products(model, kPredictRows), "predict");
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
