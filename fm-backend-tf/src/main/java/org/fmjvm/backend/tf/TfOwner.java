package org.fmjvm.backend.tf;

/**
 * What owns a {@link TfTensor}'s native handle: a {@link TfScope} (on the scope stack of one thread)
 * or a {@link TfStore} (outside the scope stacks). A tensor closed early tells its owner to forget
 * it; the owner frees the handles it still holds when it closes.
 */
interface TfOwner {

    /**
     * Takes ownership of a tensor just made (or moved here).
     *
     * @param tensor the tensor
     */
    void add(TfTensor tensor);

    /**
     * Forgets a tensor that was closed early.
     *
     * @param tensor a tensor this owner holds
     */
    void remove(TfTensor tensor);
}
