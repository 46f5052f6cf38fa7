// The input-gradient kernel of input_gradient.hpp: dX^T (in, batch) = W (in, out) dZ^T (out,
// batch) by the register-tile product (register_tile_product.hpp), W broadcast one element at a
// time as it lies, dZ^T's rows (the batch) in packets. dZ^T and dX^T live in the caller's buffer.
#include "input_gradient.hpp"

#include <algorithm>

#include "register_tile_product.hpp"

namespace lrtune::detail {

template <typename T>
void input_gradient(Index batch, Index in, Index out, const T* dZ, Index dz_stride, const T* W, Index w_stride, T* dX,
                    Index dx_stride, VectorT<T>& transposes) {
  namespace tp = tile_product;
  using RowMajor = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using Strided = Eigen::OuterStride<>;
  if (batch == 0 || in == 0) return;
  Eigen::Map<RowMajor, 0, Strided> dX_map(dX, batch, in, Strided(dx_stride));
  if (out == 0) {
    dX_map.setZero();
    return;
  }
  if (transposes.size() < (in + out) * batch) transposes.resize((in + out) * batch);
  T* const dZt = transposes.data();                // (out, batch)
  T* const dXt = transposes.data() + out * batch;  // (in, batch)
  Eigen::Map<RowMajor>(dZt, out, batch) =
      Eigen::Map<const RowMajor, 0, Strided>(dZ, batch, out, Strided(dz_stride)).transpose();
  tp::product<tp::Layout::kRowMajor, tp::Start::kZero, T>(in, batch, out, {W, w_stride, dZt, batch, dXt, batch});
  dX_map = Eigen::Map<const RowMajor>(dXt, in, batch).transpose();
}

template void input_gradient<float>(Index, Index, Index, const float*, Index, const float*, Index, float*, Index,
                                    VectorT<float>&);
template void input_gradient<double>(Index, Index, Index, const double*, Index, const double*, Index, double*, Index,
                                     VectorT<double>&);

}  // namespace lrtune::detail
